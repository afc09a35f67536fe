"""Manifests read through the `kubernetes` client's own models: every key checked against the model's
`attribute_map` (the client's deserialiser would drop an unknown key silently), every value against its
`openapi_types`, then the document deserialised with `ApiClient().deserialize`, which also enforces the
required fields and enums the client validates."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kubernetes import client
from kubernetes.client import models

PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "object": (object,),  # int-or-string and free-form fields
    "date": (str,),
    "datetime": (str,),
}
CONTAINER = re.compile(r"^(list|dict)[\[(](.*)[\])]$")


@dataclass(frozen=True)
class _Response:
    """What ApiClient.deserialize reads: a body in `.data`."""

    data: str


def model_name(document: dict[str, Any]) -> str:
    """`batch/v1` + `CronJob` -> `V1CronJob`: the client model of a manifest."""
    version = str(document["apiVersion"]).rsplit("/", 1)[-1]
    return version[:1].upper() + version[1:] + str(document["kind"])


def strict_problems(value: Any, type_name: str, where: str) -> list[str]:
    """Every key the model does not define and every value of the wrong type, as 'path: problem'."""
    container = CONTAINER.match(type_name)
    if container:
        kind, inner = container[1], container[2]
        if kind == "list":
            if not isinstance(value, list):
                return [f"{where}: expected a list, got {type(value).__name__}"]
            return [p for i, v in enumerate(value) for p in strict_problems(v, inner, f"{where}[{i}]")]
        inner = inner.split(",", 1)[1].strip()
        if not isinstance(value, dict):
            return [f"{where}: expected a mapping, got {type(value).__name__}"]
        return [p for k, v in value.items() for p in strict_problems(v, inner, f"{where}.{k}")]
    if type_name in PRIMITIVES:
        wanted = PRIMITIVES[type_name]
        wrong = not isinstance(value, wanted) or (type_name == "int" and isinstance(value, bool))
        return [f"{where}: expected {type_name}, got {value!r}"] if wrong else []
    return _model_problems(value, getattr(models, type_name), where)


def _model_problems(value: Any, model: type, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected a {model.__name__} mapping, got {value!r}"]
    by_key = {json_key: attr for attr, json_key in model.attribute_map.items()}  # type: ignore[attr-defined]
    problems = [f"{where}.{key}: not a field of {model.__name__}" for key in value if key not in by_key]
    for key, item in value.items():
        if key in by_key:
            problems += strict_problems(item, model.openapi_types[by_key[key]], f"{where}.{key}")  # type: ignore[attr-defined]
    return problems


def deserialize(document: dict[str, Any]) -> Any:
    """The manifest as its client model (raises ValueError on a missing required field or a bad enum)."""
    return client.ApiClient().deserialize(_Response(json.dumps(document)), model_name(document))
