"""Publishing to S3-compatible storage (Alibaba OSS, Tencent COS, MinIO, AWS S3) with
boto3, an optional extra: `pip install 'sitegen[s3]'`.

`s3://KEY_ID@bucket/prefix?endpoint=https://oss-cn-hangzhou.aliyuncs.com`: the
access key id may stand where a user name would, its secret then comes like a
password (SITEGEN_PUBLISH_PASSWORD, or asked); without one, boto3's own chain
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws/credentials). An object
store shows an object only once it is whole, so files go up under their own
names; each carries its content type, which static website hosting serves.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable

from sitegen.errors import UserError
from sitegen.publish.manifest import MAX_BYTES
from sitegen.publish.targets import Target

TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8"}


def content_type(path: str) -> str:
    for suffix, kind in TYPES.items():
        if path.endswith(suffix):
            return kind
    guessed, _ = mimetypes.guess_type(path)
    if guessed and guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed or "application/octet-stream"


class S3Transport:
    def __init__(self, target: Target, password: Callable[[], str]) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as err:
            raise UserError(
                "publishing to s3:// needs boto3, which is not installed",
                "install it with: pip install 'sitegen[s3]'",
            ) from err
        credentials = (
            {"aws_access_key_id": target.user, "aws_secret_access_key": password()}
            if target.user
            else {}
        )
        endpoint = target.options.get("endpoint")
        # OSS and COS take only bucket.host addresses; a store on a bare address
        # (MinIO on a LAN) only host/bucket ones.
        addressing = target.options.get("addressing") or (
            "virtual" if endpoint is None or endpoint.startswith("https://") else "path"
        )
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=target.options.get("region", "us-east-1"),
            config=Config(retries={"max_attempts": 3}, s3={"addressing_style": addressing}),
            **credentials,
        )
        self.bucket = target.host
        self.prefix = f"{target.path}/" if target.path else ""
        from botocore.exceptions import BotoCoreError, ClientError

        self._faults = (BotoCoreError, ClientError)

    def check_folders(self, paths: Iterable[str]) -> None:
        """An object store has no folders, so no links either: a key is only a name."""

    def _key(self, path: str) -> str:
        return self.prefix + path

    def read(self, path: str) -> bytes | None:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(path))["Body"]
            return body.read(MAX_BYTES + 1)
        except self.client.exceptions.NoSuchKey:
            return None
        except self._faults as err:
            raise ConnectionError(f"S3: {err}") from err

    def write(self, path: str, data: bytes) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(path), Body=data, ContentType=content_type(path)
            )
        except self._faults as err:
            raise ConnectionError(f"S3: {err}") from err

    def delete(self, path: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(path))
        except self._faults as err:
            raise ConnectionError(f"S3: {err}") from err

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        pass  # an object store has no folders, only names with slashes

    def close(self) -> None:
        self.client.close()
