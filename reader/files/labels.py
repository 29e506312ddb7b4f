"""Reading and writing a project's `annotations/labels.yaml` (the schema itself is `core.schema`).

Written atomically: import adds labels to it, and a crash must not leave half a schema.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from reader.core.schema import Schema, SchemaError, default_schema, parse_schema
from reader.files.atomic import write_atomic


def load_schema(project: Path) -> Schema:
    """The project's schema, or the packaged default when the project has no labels.yaml."""
    path = Path(project) / "annotations" / "labels.yaml"
    if not path.exists():
        return default_schema()
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SchemaError(f"not valid YAML ({getattr(exc, 'problem', exc)})", path, line) from None
    except UnicodeDecodeError:
        raise SchemaError("not UTF-8", path) from None
    except OSError as exc:
        raise SchemaError(f"cannot read ({exc.strerror or exc})", path) from None
    return parse_schema(data, str(path))


def write_schema(project: Path, schema: Schema) -> None:
    """Write labels.yaml atomically (import adds labels to it; a crash must not leave half a schema)."""
    path = Path(project) / "annotations" / "labels.yaml"
    write_atomic(path, yaml.safe_dump(schema.to_dict(), sort_keys=False, allow_unicode=True))
