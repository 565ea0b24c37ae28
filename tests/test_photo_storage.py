"""Where photos are kept: the filesystem under MEDIA_ROOT by default, an S3-compatible bucket
when PHOTO_BUCKET is set (settings.py; README "Room information")."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_STORAGE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({'storage': settings.STORAGES['default'], 'media': str(settings.MEDIA_ROOT)}))"
)


def storage_with(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PHOTO_", "MEDIA_"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_STORAGE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "boms.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_photos_are_files_under_media_root_by_default():
    settings = storage_with(MEDIA_ROOT="/srv/boms/media")

    assert settings["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert settings["media"] == "/srv/boms/media"


def test_a_bucket_keeps_the_photos_privately_in_production():
    settings = storage_with(
        PHOTO_BUCKET="boms-photos",
        PHOTO_BUCKET_ENDPOINT_URL="https://kr.object.ncloudstorage.com",
        PHOTO_BUCKET_REGION="kr-standard",
    )

    assert settings["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = settings["storage"]["OPTIONS"]
    assert options["bucket_name"] == "boms-photos"
    assert options["endpoint_url"] == "https://kr.object.ncloudstorage.com"
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
