"""Errors Elastic Beanstalk answers that moto does not define."""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class InvalidParameterCombination(ServiceException):
    code = "InvalidParameterCombination"


class MissingParameter(ServiceException):
    code = "MissingParameter"


class S3LocationNotInServiceRegion(ServiceException):
    code = "S3LocationNotInServiceRegionException"
