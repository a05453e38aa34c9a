"""The errors both connection APIs answer (``__type`` and ``message``)."""

from __future__ import annotations


class ConnectionsError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def not_found(arn: str) -> ConnectionsError:
    return ConnectionsError("ResourceNotFoundException", f"Resource not found: {arn}")
