"""The controlled list of body regions (slug, name), in display order.

Exercises are filed under them and an episode of care names one; the
exercises app's Region table holds exactly these rows.
"""

from __future__ import annotations

REGIONS = (
    ("foot-ankle", "Foot and ankle"),
    ("calf-achilles", "Calf and Achilles"),
    ("knee", "Knee"),
    ("thigh-hamstring", "Thigh and hamstring"),
    ("hip-glutes", "Hip and glutes"),
    ("low-back", "Low back"),
    ("upper-back-neck", "Upper back and neck"),
    ("shoulder", "Shoulder"),
    ("elbow-wrist-hand", "Elbow, wrist and hand"),
)
