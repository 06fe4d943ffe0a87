"""Downloads of stored files and staff exports, whichever storage holds them.

Views check who may read the file first, then call one of these. On the local file system (the embedded
default) Django streams the file itself. On object storage (GONGKAI_S3_BUCKET, django-storages' S3 backend) the
bucket is private and the answer is a 302 to a presigned URL valid for GONGKAI_S3_URL_SECONDS, carrying the
file name and content type; the bytes never pass through an application worker. Nobody gets such a URL
without having passed the view's permission check, and it expires within the minute by default."""

import mimetypes
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

EXPORT_PREFIX = "exports"  # on object storage; a bucket lifecycle rule removes them after a day


def presigns(storage) -> bool:
    """True for object storage that answers with signed, expiring URLs (S3 with querystring_auth)."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def _presigned_redirect(storage, name: str, *, filename: str, content_type: str, as_attachment: bool):
    url = storage.url(
        name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            "ResponseContentType": content_type,
        },
        expire=getattr(settings, "S3_URL_SECONDS", 60),
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # the URL is a short-lived credential
    return response


def stored_file_response(
    fieldfile, *, filename: str, content_type: str | None = None, as_attachment: bool = True
) -> HttpResponse:
    """The download of a FileField's file (after the caller's permission check); 404 when it is missing."""
    if not fieldfile:
        raise Http404("文件不存在")
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    storage = fieldfile.storage
    if presigns(storage):
        return _presigned_redirect(
            storage, fieldfile.name, filename=filename, content_type=content_type, as_attachment=as_attachment
        )
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件缺失") from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A staff export made on request (report, letter, table). On object storage it is stored under
    exports/ with an unguessable name and answered with a presigned URL; else sent as the response body."""
    if presigns(default_storage):
        name = default_storage.save(
            f"{EXPORT_PREFIX}/{timezone.now():%Y/%m/%d}/{secrets.token_urlsafe(16)}/{_safe_name(filename)}",
            ContentFile(content),
        )
        return _presigned_redirect(
            default_storage, name, filename=filename, content_type=content_type, as_attachment=True
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _safe_name(filename: str) -> str:
    # The object key keeps only the extension; the reader's file name comes from the signed disposition.
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return "export." + "".join(ch for ch in suffix if ch.isalnum())[:10]
