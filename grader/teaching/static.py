"""A static look at the learner's files for code that reaches into the grader or the machine.

It works on the AST with constant folding, so that ``getattr(os, "_" + "exit")``,
``sys.modules["gr" + "ader"]``, ``from os import kill`` or a base64-encoded name are seen for what
they are. These are warnings for the teacher, shown in every output format, not an automatic
zero: a learner may have a good reason, and a forgery the run itself shows is ``tampered``.
"""

from __future__ import annotations

import ast
import base64
import binascii
import codecs
from pathlib import Path

# Importing these from a kata's own code is how a run would reach the test machinery, read or
# patch other objects in the process, or start processes of its own.
MODULES = {
    "pytest": "the test framework",
    "_pytest": "the test framework",
    "pluggy": "the test framework's plugin manager",
    "pytest_timeout": "the test framework",
    "pytest_asyncio": "the test framework",
    "grader": "the grader",
    "ctypes": "raw memory access",
    "_ctypes": "raw memory access",
    "cffi": "raw memory access",
    "gc": "every object in the process",
    "importlib": "dynamic imports",
    "builtins": "the builtins",
    "marshal": "code objects",
    "code": "dynamic code",
    "codeop": "dynamic code",
    "runpy": "running other files",
    "subprocess": "other processes",
    "multiprocessing": "other processes",
    "pty": "other processes",
    "signal": "signals",
}
# Attributes that lead into frames, code objects and the interpreter, on whatever object.
FRAME = {
    "f_back", "f_globals", "f_locals", "f_code", "f_builtins", "f_trace", "tb_frame",
    "tb_next", "gi_frame", "cr_frame", "ag_frame", "__code__", "__globals__", "__closure__",
    "__builtins__", "__subclasses__", "__import__", "pythonapi",
}  # fmt: skip
# Functions of a module with the same reach (``os.kill`` is flagged, ``proc.kill()`` is not).
QUALIFIED = {
    "os._exit", "os.abort", "os.kill", "os.killpg", "os.fork", "os.forkpty", "os.setsid",
    "os.setpgid", "os.system", "os.popen", "os.execv", "os.execve", "os.execvp", "os.execl",
    "os.execlp", "os.spawnv", "os.posix_spawn", "os.pidfd_open", "sys.exit", "sys.settrace",
    "sys.setprofile", "sys._getframe", "sys._current_frames", "sys.modules", "sys.meta_path",
    "sys.path_hooks", "sys.addaudithook", "sys.monitoring", "threading.settrace",
    "threading.setprofile", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "inspect.currentframe", "inspect.stack", "inspect.trace", "inspect.getouterframes",
    "inspect.getinnerframes", "inspect.getclosurevars", "inspect.getmembers",
}  # fmt: skip
# Names whose appearance as a string (for getattr, or built up) is a reach all the same.
SPELLED = FRAME | {q.rpartition(".")[2] for q in QUALIFIED if "_" in q.rpartition(".")[2]} | {
    "settrace", "setprofile", "forkpty", "meta_path", "get_objects"}
CALLS = {"exec", "eval", "compile", "__import__", "breakpoint", "globals"}
# Paths whose mention in a kata file is a reach for the grader, the tests or the process table.
PATHS = (
    "tests/", "tests\\", "grader/", "/grader", "grader.running", "grader.teaching",
    "solutions/", "/solutions", "conftest", "pytest.ini", "pyproject.toml", "kata-manifest",
    "katas.toml", ".kata/", "/proc/", "site-packages", ".pth", "__pycache__", "/dev/shm",
    "/sys/",
)  # fmt: skip
MAX_FOLDED = 10_000  # characters: a folded constant longer than this is not followed further


def check_source(source: str, filename: str) -> list[str]:
    try:
        tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return []  # the grade already says so, with the line
    return Checker(filename, tree).flags


class Checker(ast.NodeVisitor):
    def __init__(self, filename: str, tree: ast.Module) -> None:
        self.filename = filename
        self.flags: list[str] = []
        self.aliases: dict[str, str] = {}  # local name -> the module or module.attr it stands for
        self.constants: dict[str, object] = {}  # names bound once, to a foldable constant
        self._bind_constants(tree)
        self.visit(tree)

    # --- what a name or expression stands for ----------------------------------------------

    def _bind_constants(self, tree: ast.Module) -> None:
        counts: dict[str, int] = {}
        values: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
            )
            for target in targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                        values[target.id] = node.value
        for _ in range(3):  # constants built from constants, a few levels deep
            for name, value in values.items():
                if counts[name] == 1 and name not in self.constants:
                    folded = self.fold(value)
                    if folded is not None:
                        self.constants[name] = folded

    def fold(self, node: ast.AST | None) -> object:
        """The value of a constant expression (str, bytes, int), or None."""
        value = self._fold(node)
        if isinstance(value, str | bytes) and len(value) > MAX_FOLDED:
            return None
        return value

    def _fold(self, node: ast.AST | None) -> object:
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes | int):
            return node.value
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        if isinstance(node, ast.JoinedStr):
            parts = [self.fold(v.value if isinstance(v, ast.FormattedValue) else v)
                     for v in node.values]
            return "".join(map(str, parts)) if all(p is not None for p in parts) else None
        if isinstance(node, ast.BinOp):
            left, right = self.fold(node.left), self.fold(node.right)
            if left is None or right is None:
                return None
            try:
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Mult) and isinstance(right, int) and right < 100:
                    return left * right
                if isinstance(node.op, ast.Mod):
                    return left % right
            except (TypeError, ValueError):
                return None
            return None
        if isinstance(node, ast.Subscript):
            value = self.fold(node.value)
            if isinstance(value, str | bytes) and isinstance(node.slice, ast.Slice):
                bounds = [self.fold(b) if b is not None else None
                          for b in (node.slice.lower, node.slice.upper, node.slice.step)]
                try:
                    return value[slice(*bounds)]
                except (TypeError, ValueError):
                    return None
            return None
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.fold(e) for e in node.elts]
            return items if all(i is not None for i in items) else None
        if isinstance(node, ast.Call):
            return self._fold_call(node)
        return None

    def _fold_call(self, node: ast.Call) -> object:
        args = [self.fold(a) for a in node.args]
        if any(a is None for a in args) or node.keywords:
            return None
        func = node.func
        try:
            if isinstance(func, ast.Name) and func.id in ("chr", "str", "bytes") and args:
                return {"chr": chr, "str": str, "bytes": bytes}[func.id](*args)
            if isinstance(func, ast.Attribute):
                owner = self.fold(func.value)
                name = func.attr
                if isinstance(owner, str | bytes) and name in (
                    "join", "replace", "lower", "upper", "strip", "decode", "encode", "format",
                ):
                    if name == "join":
                        return owner.join(args[0])
                    return getattr(owner, name)(*args)
                module = self.qualified(func.value)
                if module in ("base64", "binascii", "codecs") and args:
                    decode = {"b64decode": base64.b64decode, "b32decode": base64.b32decode,
                              "b16decode": base64.b16decode, "a2b_hex": binascii.a2b_hex,
                              "unhexlify": binascii.unhexlify, "decode": codecs.decode}
                    if name in decode:
                        return decode[name](*args)
                if module == "bytes" and name == "fromhex":
                    return bytes.fromhex(*args)
        except (TypeError, ValueError, LookupError, binascii.Error, UnicodeError):
            return None
        return None

    def qualified(self, node: ast.AST) -> str | None:
        """``os.path`` for ``os.path`` or for a name imported as ``from os import path``."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            owner = self.qualified(node.value)
            return f"{owner}.{node.attr}" if owner else None
        return None

    # --- what gets flagged ------------------------------------------------------------------

    def flag(self, node: ast.AST, what: str) -> None:
        line = f"{self.filename}:{getattr(node, 'lineno', '?')}: {what}"
        if line not in self.flags:
            self.flags.append(line)

    def module(self, node: ast.AST, name: object) -> None:
        if isinstance(name, bytes):
            name = name.decode(errors="replace")
        if isinstance(name, str) and name.split(".")[0] in MODULES:
            self.flag(node, f"imports {name} ({MODULES[name.split('.')[0]]})")

    def text(self, node: ast.AST, value: object) -> None:
        if isinstance(value, bytes):
            value = value.decode(errors="replace")
        if not isinstance(value, str):
            return
        for path in PATHS:
            if path in value:
                self.flag(node, f"names a grader path {value[:60]!r}")
                return
        if value in SPELLED:
            self.flag(node, f"spells the name {value!r}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.module(node, alias.name)
            self.aliases[alias.asname or alias.name.split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        self.module(node, base)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            self.aliases[alias.asname or alias.name] = full
            self.module(node, full)
            if full in QUALIFIED or alias.name in FRAME:
                self.flag(node, f"imports {full}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        qualified = self.qualified(node)
        if node.attr in FRAME or qualified in QUALIFIED:
            self.flag(node, f"uses {qualified or '.' + node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        target = self.aliases.get(node.id)
        if target in QUALIFIED:
            self.flag(node, f"uses {target}")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        qualified = self.qualified(func) or ""
        if name in CALLS and name not in self.aliases:
            if name == "open":
                self.text(node, self.fold(node.args[0]) if node.args else None)
            else:
                self.flag(node, f"calls {name}() (code the static check cannot see)")
        if qualified in ("exit", "quit") and name not in self.aliases:
            self.flag(node, f"calls {qualified}()")
        if name in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
            attr = self.fold(node.args[1])
            owner = self.qualified(node.args[0]) or "an object"
            if isinstance(attr, str) and (attr in SPELLED or f"{owner}.{attr}" in QUALIFIED):
                self.flag(node, f"{name}({owner}, {attr!r})")
        if qualified in ("importlib.import_module", "__import__") or name == "__import__":
            self.module(node, self.fold(node.args[0]) if node.args else None)
        if qualified.endswith(("modules.get", "modules.__getitem__", "modules.pop")):
            self.module(node, self.fold(node.args[0]) if node.args else None)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        owner = self.qualified(node.value) or ""
        if owner.endswith("modules"):
            self.module(node, self.fold(node.slice))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        self.text(node, node.value)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        folded = self.fold(node)
        if folded is not None:
            self.text(node, folded)
        self.generic_visit(node)

    visit_JoinedStr = visit_BinOp

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            folded = self._fold_call(node)
            if folded is not None:
                self.text(node, folded)
        super().generic_visit(node)


def check_files(root: Path, files: list[str]) -> list[str]:
    flags = []
    for rel in files:
        try:
            source = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        flags.extend(check_source(source, rel))
    return flags
