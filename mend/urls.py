from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from mend.accounts import signin
from mend.booking import urls as booking_urls
from mend.care import urls as care_urls
from mend.community import urls as community_urls
from mend.content import urls as content_urls
from mend.core import metrics as core_metrics
from mend.core import views as core_views
from mend.courses import urls as courses_urls
from mend.exercises import urls as exercises_urls
from mend.outcomes import urls as outcomes_urls
from mend.payments import urls as payments_urls
from mend.records import urls as records_urls
from mend.safety import urls as safety_urls

urlpatterns = [
    # Wagtail's own password logins (admin and front end) give way to allauth's.
    path("admin/login/", signin.to_account_login, name="admin_login"),
    path("_util/login/", signin.to_account_login, name="frontend_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("health/", core_views.health, name="health"),
    path("health/ready/", core_views.health_ready, name="health_ready"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("me/access/", core_views.my_access, name="my_access"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include(community_urls)),
    path("", include(care_urls)),
    path("", include(outcomes_urls)),
    path("", include(records_urls)),
    path("", include(safety_urls)),
    path("", include(exercises_urls)),
    path("", include(booking_urls)),
    path("", include(payments_urls)),
    path("", include(courses_urls)),
    path("", include(content_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
