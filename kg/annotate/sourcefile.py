"""Read source files with their positions: UTF-8 text, and YAML whose mappings and lists remember their lines.

>>> data, duplicates = parse_yaml("a: 1\\nb:\\n  - x\\n  - y\\na: 2\\n", "f.yaml")
>>> data.key_lines["b"], data["b"].item_lines, duplicates
(2, [3, 4], [('a', 5)])
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

import yaml

from kg.errors import LoadError


def read_text(path: str | Path) -> str:
    """The file's text, decoded as UTF-8.

    :raises LoadError: if the file is missing or unreadable, or not valid UTF-8 (naming the byte offset and line).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", file=str(path), rule="file-readable") from exc
    return _decode(data, path)


#: Largest article text read (bytes): far above any article, far below what would exhaust memory.
MAX_TEXT_BYTES = 8 * 1024 * 1024

_NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def read_inside(folder: str | Path, relative: str, *, file: str, line: int | None,
                limit: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of the regular file ``relative`` names inside ``folder``, opened one path component at a
    time without following any symbolic link, so nothing outside ``folder`` can be reached: no absolute path, no
    ``..``, no link, no device, FIFO or /proc file, nothing larger than ``limit`` bytes.

    :raises LoadError: naming ``file`` and ``line`` (where the path was written) and what is wrong.
    """
    def refuse(why: str, rule: str = "text-inside-folder"):
        return LoadError(f"article text {relative!r} {why}", file=file, line=line, rule=rule)

    if not is_inside_path(relative):
        raise refuse("must be a relative path inside the annotation's folder, without '..'")
    parts = PurePosixPath(relative).parts
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror}", "file-readable") from exc
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = _NO_FOLLOW | (os.O_NONBLOCK if last else os.O_DIRECTORY)  # a FIFO must not block the open
            try:
                next_fd = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(Path(folder, *parts[:i + 1])):
                    raise refuse("is or passes through a symbolic link; copy the text into the folder") from exc
                raise refuse(f"cannot be read: {exc.strerror}", "file-readable") from exc
            os.close(fd)
            fd = next_fd
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise refuse("is not a regular file")
        if info.st_size > limit:
            raise refuse(f"is larger than {limit} bytes", "text-size")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise refuse(f"is larger than {limit} bytes", "text-size")
    finally:
        os.close(fd)
    return _decode(data, Path(folder, relative))


def is_inside_path(relative: str) -> bool:
    """Whether ``relative`` is a relative POSIX path that cannot leave its folder by its own words.

    >>> [is_inside_path(p) for p in ("a.txt", "texts/a.txt", "/etc/passwd", "../a.txt", "a/../../b", "")]
    [True, True, False, False, False, False]
    """
    path = PurePosixPath(relative)
    return bool(relative) and bool(path.parts) and not path.is_absolute() and ".." not in path.parts \
        and "\\" not in relative and "\0" not in relative


def _decode(data: bytes, path) -> str:
    """``data`` as UTF-8, or a LoadError naming the first bad byte's offset and line in ``path``."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LoadError(f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}",
                        file=str(path), line=line, rule="utf-8") from exc


class LineMap(dict):
    """A YAML mapping that remembers its own line and the line of each key."""
    line: int
    key_lines: dict


class LineSeq(list):
    """A YAML sequence that remembers its own line and the line of each item."""
    line: int
    item_lines: list


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _refuse_aliases(text: str, file: str) -> None:
    """Refuse anchors, aliases and merge keys: annotations need none, and an alias bomb of a few hundred bytes
    expands to gigabytes. Events are read without building anything, so the check costs one linear pass."""
    if "&" not in text and "*" not in text and "<<" not in text:
        return
    events = yaml.parse(text, Loader=yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    try:
        for event in events:
            what = ("an alias" if isinstance(event, yaml.AliasEvent)
                    else "an anchor" if getattr(event, "anchor", None) is not None
                    else "a merge key" if isinstance(event, yaml.ScalarEvent) and event.value == "<<"
                    and event.implicit[0] else None)
            if what:
                raise LoadError(f"{what} ('&', '*' or '<<') is not allowed in annotations: write the value out in full",
                                file=file, line=event.start_mark.line + 1, column=event.start_mark.column + 1,
                                rule="yaml-no-alias")
    except yaml.YAMLError:
        return  # the composing parse below reports the syntax error with its position


def _convert(node, loader, duplicates):
    if isinstance(node, yaml.MappingNode):
        out = LineMap()
        out.line, out.key_lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, duplicates)
            if key in out:
                duplicates.append((key, key_node.start_mark.line + 1))
            out[key] = _convert(value_node, loader, duplicates)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LineSeq(_convert(item, loader, duplicates) for item in node.value)
        out.line, out.item_lines = node.start_mark.line + 1, [i.start_mark.line + 1 for i in node.value]
        return out
    try:
        return loader.construct_object(node)
    except ValueError:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # 2018-02-30 looks like a date but is none: the checks report it with its line
        raise


def parse_yaml(text: str, file: str):
    """Parse one YAML document with the safe loader; mappings become :class:`LineMap`, lists :class:`LineSeq`.

    Returns ``(data, duplicates)``: ``duplicates`` lists ``(key, line)`` for each key repeated in a mapping
    (PyYAML would silently keep the last one).

    :raises LoadError: if the YAML is malformed, or uses an anchor, alias or merge key, with the line and column.
    """
    _refuse_aliases(text, file)
    # libyaml's loader builds the same nodes with the same marks, 7x faster; PyYAML's own is the fallback
    loader = (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)(text)
    duplicates: list = []
    try:
        node = loader.get_single_node()
        return (None if node is None else _convert(node, loader, duplicates)), duplicates
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise LoadError(f"malformed YAML: {problem}", file=file, line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None, rule="yaml-syntax") from exc
    finally:
        loader.dispose()
