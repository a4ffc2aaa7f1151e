"""What keeps the audit trail honest from outside the registry file: the chain key and
the anchor receipts.

* The **chain key** (32 random bytes, ``<config dir>/audit.key``, created on first use
  readable by its owner only, never stored in the database) keys every event hash
  written from hash version 3 on (HMAC-SHA256): whoever holds only the registry file can
  no longer re-hash an edited chain so that it verifies.
* An **anchor receipt** (JSON) holds the head of every chain (chain, count, hash) at one
  moment. It is written by every backup, every export and ``mca-tui audit anchor``;
  ``mca-tui audit verify --anchor RECEIPT`` proves the current chains extend it, so a cut
  tail (with the head row updated), a re-hashed chain or a registry whose events were all
  deleted is named even where the chain itself would look whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from mca_tui import config as cfg
from mca_tui.storage.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from mca_tui.storage.engine import Database

KEY_FILE = "audit.key"
ENV_KEY_FILE = "MCA_TUI_AUDIT_KEY"  # another key file (an installation shared by offices)
RECEIPT_FORMAT = "mca-tui-anchor/1"

_keys: dict[str, bytes] = {}


def key_path() -> Path:
    if path := os.environ.get(ENV_KEY_FILE):
        return Path(path)
    return cfg.config_dir() / KEY_FILE


def private_dir(path: Path) -> None:
    """Create ``path`` (and parents) as a folder only its owner can enter."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # a folder of another account: leave it
        os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write ``path`` created readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):  # an existing file keeps its mode under O_CREAT
            os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def chain_key() -> bytes:
    """The key of this installation's chains, created (0600) on first use."""
    path = key_path()
    found = _keys.get(str(path))
    if found is not None:
        return found
    key = b""
    for _ in range(50):
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            private_dir(path.parent)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # created meanwhile by another process
                continue
            key = secrets.token_bytes(32)
            try:
                os.write(fd, (key.hex() + "\n").encode("ascii"))
            finally:
                os.close(fd)
        except ValueError:
            key = b""
        if len(key) >= 32:
            break
        time.sleep(0.02)  # another process is still writing it
    if len(key) < 32:
        raise RuntimeError(f"the audit chain key {path} is unreadable or damaged")
    _keys[str(path)] = key
    return key


# --------------------------------------------------------------------------- receipts


@dataclass(frozen=True)
class ChainHead:
    chain: str
    count: int
    hash: str


def current_heads(session: Session) -> list[ChainHead]:
    """The head of every chain as recorded by the events themselves (the last event of
    each chain; the head row is what an attacker edits)."""
    out = []
    chains = sorted(set(session.exec(select(AuditEvent.chain).distinct()).all())
                    | set(session.exec(select(AuditChainHead.chain)).all()))
    for chain in chains:
        last = session.exec(select(AuditEvent).where(AuditEvent.chain == chain)
                            .order_by(col(AuditEvent.seq).desc()).limit(1)).first()
        out.append(ChainHead(chain, last.seq if last else 0, last.hash if last else ""))
    return out


def registry_name(db: Database) -> str:
    """The registry a receipt is about: its file, or its server URL without password."""
    if db.is_sqlite and db.path is not None:
        return str(db.path)
    return make_url(db.url).render_as_string(hide_password=True)


def receipts_dir() -> Path:
    return cfg.data_dir() / "anchors"


def write_receipt(session: Session, path: Path | None = None, *, registry: str = "",
                  reason: str = "anchor") -> Path:
    """Write the chain heads to a receipt (0600); default: a new file in the data
    folder's ``anchors/``. Returns its path."""
    now = datetime.now(UTC)
    if path is None:
        private_dir(receipts_dir())
        path = receipts_dir() / f"anchor-{now:%Y%m%dT%H%M%S%f}Z.json"
    body = {
        "format": RECEIPT_FORMAT,
        "at": now.isoformat(timespec="seconds"),
        "reason": reason,
        "registry": registry,
        "chains": [{"chain": h.chain, "count": h.count, "hash": h.hash}
                   for h in current_heads(session)],
    }
    write_private(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode())
    return path


def backup_receipt_path(backup: Path) -> Path:
    """Where the receipt of a backup goes: beside it, ``FILE.anchor.json``."""
    return backup.with_name(backup.name + ".anchor.json")


def write_file_receipt(registry_file: Path, path: Path | None = None, *,
                       reason: str = "backup") -> Path:
    """The receipt of a SQLite registry file read directly (a backup just written): its
    chains as they are in that file. Default path: ``backup_receipt_path``."""
    import sqlite3

    path = path or backup_receipt_path(registry_file)
    conn = sqlite3.connect(f"file:{registry_file}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "select e.chain, e.seq, e.hash from audit_event e join "
            "(select chain, max(seq) as seq from audit_event group by chain) m "
            "on m.chain = e.chain and m.seq = e.seq order by e.chain").fetchall()
    finally:
        conn.close()
    body = {
        "format": RECEIPT_FORMAT,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reason": reason,
        "registry": str(registry_file),
        "chains": [{"chain": c, "count": n, "hash": h} for c, n, h in rows],
    }
    write_private(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode())
    return path


class ReceiptError(ValueError):
    """A file that is not an anchor receipt."""


def read_receipt(path: Path) -> list[ChainHead]:
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        if body.get("format") != RECEIPT_FORMAT:
            raise ReceiptError(str(path))
        return [ChainHead(str(c["chain"]), int(c["count"]), str(c["hash"]))
                for c in body["chains"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReceiptError(str(path)) from exc


@dataclass(frozen=True)
class AnchorProblem:
    chain: str
    count: int
    reason: str  # anchor_missing | anchor_truncated | anchor_mismatch


def check_receipt(session: Session, heads: list[ChainHead]) -> AnchorProblem | None:
    """The first chain of the receipt that the registry does not extend (None: every
    anchored event is still there with the same hash)."""
    for head in heads:
        if head.count == 0:
            continue
        any_event = session.exec(select(AuditEvent.id)
                                 .where(AuditEvent.chain == head.chain).limit(1)).first()
        if any_event is None:
            return AnchorProblem(head.chain, head.count, "anchor_missing")
        event = session.exec(select(AuditEvent).where(AuditEvent.chain == head.chain,
                                                      AuditEvent.seq == head.count)).first()
        if event is None:
            return AnchorProblem(head.chain, head.count, "anchor_truncated")
        if event.hash != head.hash:
            return AnchorProblem(head.chain, head.count, "anchor_mismatch")
    return None
