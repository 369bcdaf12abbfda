"""The bot's commands, in the order /help and Telegram's command menu show them.

Descriptions live in the message catalog under `commands.<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    admin_only: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start"),
    CommandSpec("tanya"),
    CommandSpec("iuran"),
    CommandSpec("daftar"),
    CommandSpec("sponsor"),
    CommandSpec("janji"),
    CommandSpec("statistik"),
    CommandSpec("pengingat"),
    CommandSpec("datasaya"),
    CommandSpec("hapusdata"),
    CommandSpec("berhenti_info"),
    CommandSpec("help"),
    CommandSpec("bahasa"),
    CommandSpec("diskon", admin_only=True),
    CommandSpec("pendaftaran", admin_only=True),
    CommandSpec("pembayaran", admin_only=True),
    CommandSpec("tolak", admin_only=True),
    CommandSpec("ekspor", admin_only=True),
    CommandSpec("status", admin_only=True),
    CommandSpec("siaran", admin_only=True),
    CommandSpec("siaran_list", admin_only=True),
    CommandSpec("dashboard", admin_only=True),
    CommandSpec("tiket", admin_only=True),
)


def public_commands() -> list[CommandSpec]:
    return [c for c in COMMANDS if not c.admin_only]


def commands_for(admin: bool) -> list[CommandSpec]:
    """What /help lists: everything for an admin, the public commands for everyone else."""
    return list(COMMANDS) if admin else public_commands()
