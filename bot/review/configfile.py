"""Repository config file (``.github/devdocs-review.yml``): bytes → validated ReviewConfig.

The CLI reads it from the checkout; the GitHub App reads it from the base branch of every
repository that installs it, so the file is untrusted input and must not be able to blow up:

* at most ``MAX_CONFIG_BYTES`` (64 KiB), checked before anything is decoded or parsed;
* UTF-8 text (a byte-order mark is allowed), without NUL bytes;
* one YAML document, read by PyYAML's safe loader with three refusals while it composes the node
  graph: anchors and aliases (``&a`` / ``*a``, the "billion laughs" expansion), nesting deeper than
  ``MAX_DEPTH`` levels (``[`` × 20 000 would exhaust the recursion) and tags beyond plain
  strings, numbers, booleans, null, lists and mappings;
* keys are strings and unique within their mapping; numbers are at most ``MAX_NUMBER_CHARS``
  characters long (so no 5 000-digit integer reaches ``int()``);
* then pydantic validates the values strictly (``rules/core/config.py``).

Every problem is a :class:`ConfigError` whose lines name the key (``gate.min_score: …``) or, for
YAML syntax, the position (``line 3, column 5: …``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.api import load_config
from rules.core.config import ConfigError, ReviewConfig

CONFIG_PATH = ".github/devdocs-review.yml"
ALTERNATE_PATHS = (".github/devdocs-review.yaml", ".devdocs-review.yml")
MAX_CONFIG_BYTES = 64 * 1024
MAX_DEPTH = 20
MAX_NUMBER_CHARS = 32

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT = _CORE + "str", _CORE + "int", _CORE + "float"
_ALLOWED_TAGS = frozenset(_CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_KINDS = {_INT: "a number", _FLOAT: "a number", _CORE + "bool": "a boolean", _CORE + "null": "a null"}
# Not resolved implicitly: dates stay strings, and `<<` / `=` are ordinary (unknown) keys.
_UNRESOLVED = frozenset(_CORE + name for name in ("timestamp", "merge", "value"))


class _Refused(yaml.YAMLError):
    """A YAML feature the config does not accept, where it starts in the file."""

    def __init__(self, problem: str, event: yaml.Event) -> None:
        mark = event.start_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "the file"
        super().__init__(f"{where}: {problem}")


class ConfigLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing anchors, aliases and deep nesting while it composes nodes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"YAML aliases (*{anchor}) are not allowed in the config; write the value out", event)
        if anchor is not None:
            raise _Refused(f"YAML anchors (&{anchor}) are not allowed in the config; write each value out", event)
        if not isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


ConfigLoader.yaml_implicit_resolvers = {  # a copy: SafeLoader's own table stays as it is
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _UNRESOLVED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_config_bytes(data: bytes, source: str = CONFIG_PATH) -> ReviewConfig:
    """Bytes of a config file → validated config; raises ConfigError (one line per problem)."""
    return load_config(parse_yaml(decode_config(data, source), source), source=source)


def decode_config(data: bytes, source: str = CONFIG_PATH) -> str:
    if len(data) > MAX_CONFIG_BYTES:
        raise too_large(len(data), source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(["the file is UTF-16; save it as UTF-8"], source)
    if b"\x00" in data:
        raise ConfigError(["the file is binary (it contains NUL bytes), not YAML text"], source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError([f"line {line}: the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); "
                           "save it as UTF-8"], source) from None


def too_large(size: int, source: str) -> ConfigError:
    return ConfigError([f"the file is {size:,} bytes, over the {MAX_CONFIG_BYTES // 1024} KiB limit for the "
                        "config"], source)


def parse_config_text(text: str, source: str = CONFIG_PATH) -> ReviewConfig:
    """Parse and validate config text; raises ConfigError naming the key or the YAML position."""
    return parse_config_bytes(text.encode("utf-8"), source)


def parse_yaml(text: str, source: str = CONFIG_PATH) -> Any:
    """One YAML document → plain data (``None`` for an empty file), within the limits above."""
    try:
        loader = ConfigLoader(text)  # checks every character is printable
        node = loader.get_single_node()
        errors = check_nodes(node) if node is not None else []
        if errors:
            raise ConfigError(errors, source)
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise ConfigError([describe_yaml_error(error, text)], source) from None


def check_nodes(root: Node) -> list[str]:
    """Problems PyYAML would let through, each naming its key path: non-string or duplicate keys,
    unsupported tags, over-long numbers. (Depth is bounded by the loader, so recursion is safe.)"""
    errors: list[str] = []
    _check(root, "", errors)
    return errors


def _check(node: Node, path: str, errors: list[str]) -> None:
    where = path or "(top level)"
    if node.tag not in _ALLOWED_TAGS:
        errors.append(f"{where}: the YAML tag {node.tag!r} is not allowed in the config{_at(node)}")
    elif isinstance(node, MappingNode):
        _check_mapping(node, path, errors)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _check(item, f"{path}.{index}" if path else str(index), errors)
    elif isinstance(node, ScalarNode) and node.tag in (_INT, _FLOAT) and len(node.value) > MAX_NUMBER_CHARS:
        errors.append(f"{where}: a number of {len(node.value):,} characters is not allowed "
                      f"(at most {MAX_NUMBER_CHARS}){_at(node)}")


def _check_mapping(node: MappingNode, path: str, errors: list[str]) -> None:
    seen: dict[str, Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
            kind = _KINDS.get(key_node.tag, "a list or mapping as a")
            errors.append(f"{path or '(top level)'}: keys must be strings, found {kind} key{_at(key_node)}")
            continue
        key = key_node.value
        child = f"{path}.{key}" if path else key
        if key in seen:
            errors.append(f"{child}: duplicate key{_at(key_node)} (first at line "
                          f"{seen[key].start_mark.line + 1})")
        seen[key] = key_node
        _check(value_node, child, errors)


def _at(node: Node) -> str:
    return f" (line {node.start_mark.line + 1}, column {node.start_mark.column + 1})"


def describe_yaml_error(error: yaml.YAMLError, text: str) -> str:
    """One line for a YAML error: where it is and what is wrong."""
    if isinstance(error, _Refused):
        return str(error)
    if isinstance(error, yaml.reader.ReaderError):
        line = text[: error.position].count("\n") + 1
        return f"line {line}: invalid YAML: the control character #x{error.character:04x} is not allowed"
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "the file"
        if error.problem == "but found another document":
            return f"{where}: a second YAML document starts here; the config is a single document"
        return f"invalid YAML at {where}: {error.problem or error.context or 'cannot be parsed'}"
    return f"invalid YAML: {error}"


def find_config_file(repo_root: Path) -> Path | None:
    for relative in (CONFIG_PATH, *ALTERNATE_PATHS):
        candidate = repo_root / relative
        if candidate.is_file():
            return candidate
    return None


def load_config_file(path: Path) -> ReviewConfig:
    """Read and validate *path*; the size cap applies before the file is read whole."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_CONFIG_BYTES:
                raise too_large(size, str(path))
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError([f"cannot read the file: {error.strerror or type(error).__name__}"], str(path)) from None
    return parse_config_bytes(data, source=str(path))
