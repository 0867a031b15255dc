"""Plain dicts <-> DynamoDB attribute maps, with boto3's own serializers.

boto3's `TypeSerializer` wants `Decimal` for numbers and keeps `None` as NULL; the app
writes floats and means "absent" by None. So, on the way in, None values are dropped (in
maps and lists) and floats become Decimals; on the way out, whole numbers come back as
`int` and the rest as `float`. boto3 is imported on first use, not at cold start.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import StoreError

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]


@cache
def _serializer() -> TypeSerializer:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_item(data: Mapping[str, Any]) -> Item:
    """Plain dict -> DynamoDB attribute map. None values are dropped.

    Raises `StoreError` (code ValidationException, as DynamoDB would answer) for a value
    DynamoDB cannot hold, such as a number of more than 38 significant digits.
    """
    return {key: to_attr(value) for key, value in data.items() if value is not None}


def to_attr(value: Any) -> AttributeValueTypeDef:
    """One value as a DynamoDB attribute (for expression values)."""
    try:
        return _serializer().serialize(plain(value))
    except (ArithmeticError, TypeError, ValueError) as error:  # decimal.Inexact, Rounded…
        raise StoreError(
            f"cannot store a value: {type(error).__name__}", code="ValidationException"
        ) from error


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute map -> plain dict (ints, floats, lists, dicts, sets)."""
    deserialize = _deserializer().deserialize
    return {key: native(deserialize(value)) for key, value in item.items()}


def plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value if v is not None]
    if isinstance(value, str | Decimal | bytes | set | frozenset):
        return value
    raise TypeError(f"cannot store {type(value).__name__}")


def native(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, set):
        return {native(v) for v in value}
    return value
