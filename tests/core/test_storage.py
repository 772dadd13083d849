"""Media on S3-compatible storage (django-storages), against moto's S3 server on loopback."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.images.models import Image

from mend.settings import media_origin, media_storage

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "mend-media"  # a bucket name is a DNS name: no underscores
KEYS = {"access_key_id": "mend-test-key", "secret_access_key": "mend-test-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("moto's S3 server did not start")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint: str, settings: Any) -> Iterator[dict[str, object]]:
    """The default storage in a fresh bucket of moto's server, as MEND_S3_* would set it."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key_id"],
        aws_secret_access_key=KEYS["secret_access_key"],
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    default = media_storage(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1", **KEYS)
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        yield {"client": client, **default}
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_wagtail_image_and_its_rendition_live_in_the_bucket(s3: dict[str, Any]) -> None:
    image = Image.objects.create(
        title="Calf raise", file=ImageFile(io.BytesIO(_png(640, 480)), name="calf-raise.png")
    )

    rendition = image.get_rendition("fill-120x90")

    keys = {item["Key"] for item in s3["client"].list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert image.file.name in keys and rendition.file.name in keys
    assert rendition.url.startswith(s3["OPTIONS"]["endpoint_url"] + f"/{BUCKET}/")
    with urllib.request.urlopen(rendition.url, timeout=10) as response:  # noqa: S310
        fetched = PILImage.open(io.BytesIO(response.read()))
    assert fetched.size == (120, 90)


@pytest.mark.django_db
def test_media_addresses_are_signed_and_lapse(s3: dict[str, Any]) -> None:
    name = default_storage.save("handouts/knee.txt", ContentFile(b"Bend and straighten."))

    query = parse_qs(urlsplit(default_storage.url(name)).query)

    assert "X-Amz-Signature" in query
    assert query["X-Amz-Expires"] == ["3600"]


def test_a_public_bucket_or_cdn_gets_plain_addresses(s3_endpoint: str, settings: Any) -> None:
    default = media_storage(
        bucket=BUCKET, custom_domain="media.mend.example.org", public=True, **KEYS
    )
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        url = default_storage.url("images/knee.png")

    assert url == "https://media.mend.example.org/images/knee.png"


@pytest.mark.django_db
def test_an_upload_never_replaces_a_file_of_the_same_name(s3: dict[str, Any]) -> None:
    first = default_storage.save("original_images/knee.png", ContentFile(b"first"))
    second = default_storage.save("original_images/knee.png", ContentFile(b"second"))

    assert first != second
    assert default_storage.open(first).read() == b"first"


def test_the_content_security_policy_allows_the_media_origin() -> None:
    assert media_origin({"endpoint_url": "https://s3.eu.example:9000/x"}) == (
        "https://s3.eu.example:9000"
    )
    assert media_origin({"custom_domain": "cdn.example.org"}) == "https://cdn.example.org"
    assert media_origin({"bucket_name": "mend-media", "region_name": "eu-west-1"}) == (
        "https://mend-media.s3.eu-west-1.amazonaws.com"
    )


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ["PATH"], "MEND_VAR_DIR": str(tmp_path), "MEND_DEBUG": "true"}
    code = (
        "import mend.settings as s;"
        "o = s.STORAGES['default'].get('OPTIONS', {});"
        "print(s.STORAGES['default']['BACKEND'], o.get('bucket_name'), o.get('secret_key'));"
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_read_the_bucket_and_its_keys_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("from-a-file\n")
    result = _settings(
        tmp_path,
        MEND_S3_BUCKET="mend-media",
        MEND_S3_ENDPOINT_URL="https://objects.example.org",
        MEND_S3_ACCESS_KEY_ID="key",
        MEND_S3_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"),
    )

    assert result.returncode == 0, result.stderr
    assert "storages.backends.s3.S3Storage mend-media from-a-file" in result.stdout
    assert "'https://objects.example.org'" in result.stdout


def test_without_a_bucket_media_stays_on_disk(tmp_path: Path) -> None:
    result = _settings(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("django.core.files.storage.FileSystemStorage None None")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MEND_S3_URL_SECONDS": "600"}, "MEND_S3_URL_SECONDS"),
        ({"MEND_S3_ENDPOINT_URL": "objects.example.org"}, "MEND_S3_ENDPOINT_URL"),
        ({"MEND_S3_CUSTOM_DOMAIN": "cdn.example.org"}, "MEND_S3_PUBLIC"),
    ],
)
def test_bad_storage_settings_are_refused_by_name(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = _settings(tmp_path, MEND_S3_BUCKET="mend-media", **env)

    assert result.returncode != 0
    assert named in result.stderr
