"""The `salesmirror` command: the live window by default, `analyze` for recorded calls and scripts."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from salesmirror import __version__
from salesmirror.audio.decode import AudioFileError
from salesmirror.call_summary import CallNotes, CallSummary
from salesmirror.coaching.learned_cues import describe_cue_detector
from salesmirror.coaching.script import ScriptError, load_script
from salesmirror.coaching.targets import TALK_RATIO_AIM, TALK_RATIO_TOO_MUCH, talk_ratio_verdict
from salesmirror.events import CaptureMode, Caution, Speaker, cautions_notice
from salesmirror.model_files import ModelError
from salesmirror.paths import app_paths
from salesmirror.sessions.call_json import session_rows_json, summary_json
from salesmirror.sessions.export import ExportFormat
from salesmirror.sessions.records import SessionInfo, SessionSource, SessionState
from salesmirror.sessions.store import StoreError
from salesmirror.speech.model_folder import check_model_folder
from salesmirror.timefmt import clock

if TYPE_CHECKING:
    from salesmirror.pipeline.call_plan import CallPlan
    from salesmirror.pipeline.recognition import SharedModel
    from salesmirror.sessions.journal import SessionJournal
    from salesmirror.sessions.store import SessionStore

EXIT_BAD_INPUT = 2
EXIT_NOT_SAVED = 3  # analyze --save: the figures were printed, but not all of the call was kept
EXIT_NOT_CONFIRMED = 1  # sessions delete answered no
EXIT_INTERRUPTED = 130  # the shell's convention for a command ended by Ctrl+C


ANALYZE_COMBINATIONS = """\
which recordings go together (one of these):
  --you YOU.wav --them THEM.wav   separate tracks: a headset's microphone and the call's audio,
                                  or a recorded pair (either one alone: that side only)
  --mic MIC.wav --system SYS.wav  a microphone that also hears the call through the speakers,
                                  and the call's own audio: the echo is removed first
  --call CALL.wav                 one recording of the whole call with two channels:
                                  you on the left, them on the right
  --mono MIX.wav --enroll ME.wav  one microphone heard both sides; ME.wav is you reading, to
                                  know your voice (needs the voice encoder: --speaker-model)
  --script CALL.jsonl             a timed transcript alone: the whole call, no audio

and with them:
  --model DIR          recognise the words (not with --script, which gives them)
  --script CALL.jsonl  with recordings: the words, timed, instead of a model
  --json, --save       print one JSON object; keep the call in your sessions
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="salesmirror",
        description="A private sales-call coach: talk ratio, monologues and calm nudges, offline.",
    )
    parser.add_argument("--version", action="version", version=f"salesmirror {__version__}")
    parser.add_argument("--you", type=Path, metavar="YOU.wav", help="play this recording as you")
    parser.add_argument("--them", type=Path, metavar="THEM.wav", help="...and this one as them")
    parser.add_argument("--model", type=Path, metavar="DIR", help="Vosk model folder to use")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    analyze = commands.add_parser(
        "analyze",
        help="analyse a recorded call or a timed script and print a summary",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=ANALYZE_COMBINATIONS,
    )
    analyze.add_argument("--you", type=Path, metavar="YOU.wav", help="your side of the call")
    analyze.add_argument("--them", type=Path, metavar="THEM.wav", help="the other side")
    analyze.add_argument(
        "--mic", type=Path, metavar="MIC.wav", help="your microphone, which may hear the call too"
    )
    analyze.add_argument(
        "--system", type=Path, metavar="SYS.wav", help="the call's own audio (what the computer played)"
    )
    analyze.add_argument(
        "--call", type=Path, metavar="CALL.wav", help="the whole call in two channels: you left, them right"
    )
    analyze.add_argument("--mono", type=Path, metavar="MIX.wav", help="one microphone that heard both sides")
    analyze.add_argument(
        "--enroll", type=Path, metavar="ME.wav", help="with --mono: you reading, to know your voice"
    )
    analyze.add_argument(
        "--speaker-model",
        type=Path,
        metavar="DIR",
        help="voice encoder folder for --mono (default: the one the model manager installed)",
    )
    analyze.add_argument(
        "--script",
        type=Path,
        metavar="CALL.jsonl",
        help="a timed transcript: alone, the whole call; with recordings, their words",
    )
    analyze.add_argument("--model", type=Path, metavar="DIR", help="Vosk model folder")
    analyze.add_argument("--json", action="store_true", help="print one JSON object")
    analyze.add_argument("--save", action="store_true", help="keep the call in your sessions")
    _add_sessions_commands(commands)
    demo = commands.add_parser("demo", help="play the demo call (or your own material) in the coach")
    demo.add_argument("--script", type=Path, metavar="CALL.jsonl", help="your own timed script")
    demo.add_argument("--you", type=Path, metavar="YOU.wav", help="with --script: the seller's recording")
    demo.add_argument("--them", type=Path, metavar="THEM.wav", help="with --script: the customer's recording")
    demo.add_argument(
        "--session", type=_session_id, metavar="ID", help="play a stored call again (presentation mode)"
    )
    demo.add_argument("--present", action="store_true", help="start in presentation mode (full screen)")
    demo.add_argument("--speed", type=float, choices=(1.0, 2.0, 4.0), default=1.0, help="1, 2 or 4")
    demo.add_argument(
        "--mute", action="store_true", help="play without sound (the voices are heard at 1× only)"
    )
    return parser


def _add_sessions_commands(commands: argparse._SubParsersAction) -> None:
    sessions = commands.add_parser("sessions", help="list, show, export or delete stored calls")
    actions = sessions.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = actions.add_parser("list", help="your stored calls, newest first")
    listing.add_argument(
        "--search", metavar="WORDS", default="", help="only calls whose transcript has these words"
    )
    listing.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only calls from this day on")
    listing.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="only calls up to this day")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = actions.add_parser("show", help="one call's figures, nudges and transcript")
    show.add_argument("id", type=_session_id, metavar="ID")
    export = actions.add_parser("export", help="one call as Markdown, an HTML report or JSON")
    export.add_argument("id", type=_session_id, metavar="ID")
    export.add_argument(
        "--format",
        choices=[str(f) for f in ExportFormat],
        help="md, html or json (default: from the -o file's extension, else md)",
    )
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of printing")
    replay = actions.add_parser("open", help="open one call's replay window")
    replay.add_argument("id", type=_session_id, metavar="ID")
    delete = actions.add_parser("delete", help="remove a call for good, with its audio")
    delete.add_argument("id", type=_session_id, metavar="ID")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask first")


_FORMAT_OF_SUFFIX = {
    ".md": ExportFormat.MARKDOWN,
    ".markdown": ExportFormat.MARKDOWN,
    ".txt": ExportFormat.MARKDOWN,
    ".html": ExportFormat.HTML,
    ".htm": ExportFormat.HTML,
    ".json": ExportFormat.JSON,
}

# Calls are stamped in UTC; a day is turned into local midnights, which the first and last years
# Python can represent have no room for. No call predates 1970 or postdates 9998.
_FIRST_DAY, _LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
_LARGEST_ID = 2**63 - 1  # SQLite's integer


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None
    if not _FIRST_DAY <= day <= _LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is outside the years calls can have (1970 to 9998)")
    return day


def _session_id(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a session id (a number from the list)") from None
    if not 1 <= number <= _LARGEST_ID:
        raise argparse.ArgumentTypeError(f"{text} is not a session id (a number from the list)")
    return number


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _end_on_termination()
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "sessions":
            return _sessions(args)
        if args.command == "demo":
            return _demo(args)
        return _run_window(args)
    except (AudioFileError, ScriptError, ModelError, UsageError, StoreError) as exc:
        print(f"salesmirror: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        kept = "; the call up to here is in your sessions" if getattr(args, "save", False) else ""
        print(f"salesmirror: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `salesmirror ... | head`: the reader has all it wanted
        # Point stdout at nothing so the interpreter's last flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BAD_INPUT
    except Exception as exc:  # never a traceback at the edge: one line, the detail in a log
        log = _log_unexpected(exc)
        print(
            f"salesmirror: error: something unexpected went wrong ({type(exc).__name__}: {exc}); "
            f"the details are in {log}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


def _end_on_termination() -> None:
    """SIGTERM (a logout, `kill`, a service manager) and SIGHUP (a closed terminal) end a command
    as Ctrl+C does: the work in hand winds down and a saved call is stored as finished. The
    window's own handlers replace these once it runs (ui/application.py)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None:
            signal.signal(number, interrupt)


def _log_unexpected(exc: Exception) -> Path:
    """Append the traceback to the private log file and return its path."""
    import traceback

    from salesmirror.paths import make_private_folder

    log = app_paths().data_dir / "logs" / "salesmirror-cli.log"
    make_private_folder(log.parent)
    with log.open("a", encoding="utf-8", errors="backslashreplace") as out:
        out.write("".join(traceback.format_exception(exc)) + "\n")
    return log


class UsageError(ValueError):
    pass


def _analyze(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from salesmirror.analysis import analyze_plan, analyze_script
    from salesmirror.settings import Settings

    two_streams = args.mic is not None or args.system is not None
    coach = Settings().coach_settings(app_paths().models_dir)
    cues = describe_cue_detector(coach.nudges.cue_model)
    if args.mono is not None or args.enroll is not None:
        summary, saved = _analyze_single_microphone(args)
        problems: list[str] = []
        cautions: list[Caution] = []
    elif args.script is not None and not (args.you or args.them or args.call or two_streams):
        if args.model:
            raise UsageError("--script gives the words: it cannot be combined with --model")
        notes = CallNotes(customer_cues=cues)
        info = SessionInfo(SessionSource.SCRIPT, devices={"script": args.script.name}, notes=notes)
        journal = _journal(args, info)
        summary = analyze_script(args.script, coach, journal=journal).summary(notes)
        problems, saved, cautions = [], journal, []
    else:
        plan = _recording_plan(args)
        if args.script and args.model:
            raise UsageError("--script gives the words: it cannot be combined with --model")
        script = load_script(args.script) if args.script else None
        model = check_model_folder(args.model) if args.model else None
        if script is not None:
            notes = CallNotes(recognition=f"words from the script {args.script.name}", customer_cues=cues)
        elif model is None:
            notes = CallNotes(recognition="off (talk time only: no --model given)")
        else:
            notes = CallNotes(customer_cues=cues)
        info = plan.session_info(model.name if model else None, keep_audio=False, notes=notes)
        loaded = _loaded(model) if model else None
        journal = _journal(args, info)
        session, problems = analyze_plan(
            replace(plan, script=script), loaded, settings=coach, journal=journal
        )
        summary = session.summary(notes)
        saved, cautions = journal, session.cautions
    for problem in problems:
        print(f"salesmirror: warning: {problem}", file=sys.stderr)
    if args.json:
        print(summary_json(summary))
    else:
        if cautions:
            print(cautions_notice(cautions) + "\n")
        print(format_summary(summary))
    return 0 if saved is None else _report_saved(saved)


def _or_why(value: object, unit: str = "") -> str:
    """A word-based figure, or a dash that says why there is none."""
    return "—  (needs the words: a speech model or a script)" if value is None else f"{value}{unit}"


def _installed_or_flag(find: Callable[[Path], Path], models_dir: Path) -> Path:
    try:
        return find(models_dir)
    except ModelError as exc:
        raise ModelError(f"{exc} Or give --speaker-model DIR.") from None


def _loaded(folder: Path) -> SharedModel:
    """The model given with --model, loaded before the analysis: one the user named explicitly
    and that cannot recognise (damaged, or made for another Vosk) is an error, not a quiet
    fall-back to talk time."""
    from salesmirror.pipeline.recognition import SharedModel

    model = SharedModel(folder)
    model.start()
    if model.wait() is None:
        raise ModelError(model.error or f"The speech model in {folder} could not be loaded.")
    return model


def _journal(args: argparse.Namespace, info: SessionInfo) -> SessionJournal | None:
    """With --save: a journal into the user's session store (opened first, so a problem with the
    store is reported before the analysis runs)."""
    if not args.save:
        return None
    from salesmirror.sessions.journal import SessionJournal
    from salesmirror.sessions.store import SessionStore

    folder = app_paths().sessions_dir
    SessionStore(folder).close()
    return SessionJournal(
        folder, info, on_problem=lambda message: print(f"salesmirror: warning: {message}", file=sys.stderr)
    )


def _report_saved(journal: SessionJournal) -> int:
    """Say what --save kept; the exit code says whether it was all of the call."""
    if journal.complete and journal.session_id is not None:
        print(
            f"Saved as session {journal.session_id} (salesmirror sessions show {journal.session_id})",
            file=sys.stderr,
        )
    elif not journal.complete:
        print(f"salesmirror: error: the call was {journal.outcome()}", file=sys.stderr)
        return EXIT_NOT_SAVED
    return 0


def _analyze_single_microphone(args: argparse.Namespace) -> tuple[CallSummary, SessionJournal | None]:
    from salesmirror.analysis import analyze_single_microphone
    from salesmirror.speech.voice_encoder import check_voice_encoder_folder, installed_voice_encoder

    if args.mono is None or args.enroll is None:
        raise UsageError("--mono and --enroll go together")
    if args.you or args.them or args.mic or args.system or args.call or args.script:
        raise UsageError("--mono cannot be combined with other recordings or --script")
    if args.model:
        raise UsageError("--mono measures who speaks when, without words: leave out --model")
    encoder = (
        check_voice_encoder_folder(args.speaker_model)
        if args.speaker_model
        else _installed_or_flag(installed_voice_encoder, app_paths().models_dir)
    )
    notes = CallNotes(attribution="single microphone, by enrolled voice (approximate)")
    info = SessionInfo(
        SessionSource.RECORDING,
        mode=CaptureMode.SINGLE_MICROPHONE,
        devices={"mix": args.mono.name},
        model=encoder.name,
        notes=notes,
    )
    journal = _journal(args, info)
    session = analyze_single_microphone(args.mono, args.enroll, encoder, journal=journal)
    return session.summary(notes), journal


def _recording_plan(args: argparse.Namespace) -> CallPlan:
    """The recorded call `analyze` was given: a pair of tracks, a microphone and the system audio,
    or one two-channel recording."""
    from salesmirror.pipeline.call_plan import recorded_pair, two_channel_recording

    two_streams = args.mic is not None or args.system is not None
    if args.call is not None:
        if args.you or args.them or two_streams:
            raise UsageError("--call is the whole call: leave out --you/--them and --mic/--system")
        return two_channel_recording(args.call, speed=None)
    if two_streams and (args.you or args.them):
        raise UsageError("use --mic/--system or --you/--them, not both")
    if two_streams and (args.mic is None or args.system is None):
        raise UsageError("--mic and --system go together")
    tracks = _tracks(args)
    if not tracks:
        raise UsageError("give --you and/or --them recordings, --call CALL.wav, or --script CALL.jsonl")
    return recorded_pair(tracks, speed=None, microphone_hears_call=two_streams)


def _tracks(args: argparse.Namespace) -> dict[Speaker, Path]:
    """You and them: clean channels (--you/--them), or a microphone and the system audio."""
    you = getattr(args, "mic", None) or args.you
    them = getattr(args, "system", None) or args.them
    return {speaker: path for speaker, path in ((Speaker.YOU, you), (Speaker.THEM, them)) if path}


def format_summary(summary: CallSummary) -> str:
    """The human-readable `analyze` report."""
    figures, notes = summary.figures, summary.notes
    ratio = figures.talk_ratio_you
    share = "—" if ratio is None else f"{ratio * 100:.0f} %"
    verdict = ""
    if ratio is not None:
        if talk_ratio_verdict(ratio) == "poor":
            verdict = f"  (too much: above {TALK_RATIO_TOO_MUCH * 100:.0f} %)"
        else:
            verdict = f"  (target: about {TALK_RATIO_AIM * 100:.0f} %)"
    lines = [
        f"Call length        {clock(figures.duration_s)}",
        f"You talked         {clock(figures.you_seconds)}",
        f"They talked        {clock(figures.them_seconds)}",
        f"Your share         {share}{verdict}",
        f"Longest monologue  {clock(figures.longest_monologue_s)}",
    ]
    metrics = figures.metrics
    if metrics is not None:
        patience = "—" if metrics.patience_s is None else f"{metrics.patience_s:.1f} s"
        lines += [
            f"Longest story      {clock(metrics.longest_customer_story_s)}  (theirs: longer is better)",
            f"Questions asked    {_or_why(metrics.questions_asked)}",
            f"Patience           {patience}  (pause before you answer)",
            f"Interruptions      {'—' if metrics.interruptions is None else metrics.interruptions}",
            f"Pace               {_or_why(metrics.words_per_minute, ' words a minute')}",
        ]
    for label, note in (
        ("Recognition", notes.recognition),
        ("Customer cues", notes.customer_cues),
        ("Attribution", notes.attribution),
    ):
        if note is not None:
            lines.append(f"{label:<19}{note}")
    nudges = summary.nudges
    lines.append("")
    if nudges:
        lines.append(f"Nudges ({len(nudges)})")
    elif figures.you_seconds + figures.them_seconds > 0 or summary.transcript:
        lines.append("Nudges: none — well done")
    else:  # praise for a call nobody spoke in would be a verdict the call did not earn
        lines.append("Nudges: none — no speech was heard (a silent or very quiet recording?)")
    for n in nudges:
        lines.append(f"  {clock(n.t)}  {n.text}")
        lines.append(f"        because {n.evidence}")
    if summary.transcript:
        lines.append("")
        lines.append("Transcript")
        for line in summary.transcript:
            who = "You " if line.speaker is Speaker.YOU else "Them"
            lines.append(f"  {clock(line.start)}  {who}  {line.text}")
    return "\n".join(lines)


def _sessions(args: argparse.Namespace) -> int:
    from salesmirror.sessions.store import SessionStore

    if args.action == "open":
        _check_screen()
    store = SessionStore(app_paths().sessions_dir)
    try:
        for notice in store.notices:
            print(f"salesmirror: {notice}", file=sys.stderr)
        if args.action == "list":
            _list_sessions(store, args)
        elif args.action == "show":
            stored = store.load(args.id)
            row = stored.row
            print(row.display_title)
            print(row.describe())
            if row.note:
                print(f"Note: {row.note}")
            for notice in stored.fairness_notices():
                print(notice)
            print()
            print(format_summary(stored.summary()))
        elif args.action == "export":
            _export_session(store, args)
        elif args.action == "open":
            from salesmirror.ui.application import run_replay

            store.row(args.id)  # a clear error before any window opens
            return run_replay(store, args.id)
        elif args.action == "delete":
            row = store.row(args.id)
            if not args.yes and not _confirmed(f"Delete session {args.id} ({row.display_title}) for good?"):
                print("Nothing was deleted.", file=sys.stderr)
                return EXIT_NOT_CONFIRMED
            store.delete(args.id)
            audio = " and its audio" if row.audio_kept else ""
            print(f"Deleted session {args.id} ({row.display_title}){audio}.")
    finally:
        store.close()
    return 0


def _list_sessions(store: SessionStore, args: argparse.Namespace) -> None:
    rows = store.sessions(args.search, args.since, args.until)
    if args.json:
        print(session_rows_json(rows))
        return
    if not rows:
        print(
            "No sessions found."
            if args.search or args.since or args.until
            else "No sessions yet: calls you take with SalesMirror, and 'analyze --save', appear here."
        )
        return
    print(f"{'ID':>4}  {'Started':<17}  {'Length':>7}  {'You':>5}  {'Nudges':>6}  Title")
    for r in rows:
        ratio = "—" if r.talk_ratio_you is None else f"{r.talk_ratio_you * 100:.0f} %"
        started = r.started_at.astimezone()
        flag = {SessionState.RECOVERED: "  [recovered]", SessionState.RECORDING: "  [recording]"}.get(
            r.state, ""
        )
        print(
            f"{r.id:>4}  {started:%Y-%m-%d %H:%M}  {clock(r.duration_s):>7}  {ratio:>5}  "
            f"{r.nudges:>6}  {r.display_title}{flag}"
        )


def _confirmed(question: str) -> bool:
    """Ask on the terminal; without one (a script, a pipe) there is nobody to answer: --yes."""
    if not sys.stdin.isatty():
        raise UsageError("deleting needs a yes: run it in a terminal, or add --yes")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _export_format(args: argparse.Namespace) -> ExportFormat:
    if args.format is not None:
        return ExportFormat(args.format)
    if args.output is None:
        return ExportFormat.MARKDOWN
    suffix = args.output.suffix.lower()
    if suffix not in _FORMAT_OF_SUFFIX:
        raise UsageError(f"which format is {args.output.name}? Name it .md, .html or .json, or add --format")
    return _FORMAT_OF_SUFFIX[suffix]


def _export_session(store: SessionStore, args: argparse.Namespace) -> None:
    from salesmirror.sessions.export import export

    text = export(store.load(args.id), _export_format(args))
    if args.output is None:
        sys.stdout.write(text)
        return
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote {args.output}", file=sys.stderr)


def _demo(args: argparse.Namespace) -> int:
    from salesmirror.demo import bundled_demo, trainer_material

    if args.session is not None:
        if args.script or args.you or args.them:
            raise UsageError(
                "--session plays a stored call: it cannot be combined with --script or recordings"
            )
        _check_screen()
        from salesmirror.sessions.store import SessionStore

        store = SessionStore(app_paths().sessions_dir)
        store.row(args.session)  # a clear error before any window opens
        store.close()
        from salesmirror.ui.application import run_presented_session

        return run_presented_session(args.session)
    if (args.you or args.them) and args.script is None:
        raise UsageError("--you/--them need the --script that goes with them (the words)")
    material = trainer_material(args.script, args.you, args.them) if args.script else bundled_demo()
    _check_screen()
    from salesmirror.ui.application import run_app

    return run_app(demo=material, present=args.present, speed=args.speed, muted=args.mute)


def _check_screen() -> None:
    """Qt aborts the process with a long message when there is no screen; say it plainly."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UsageError(
            "no screen found (DISPLAY is not set): start SalesMirror from a desktop session, "
            "or analyse recordings headless with 'salesmirror analyze'"
        )


def _run_window(args: argparse.Namespace) -> int:
    from salesmirror.pipeline.call_plan import recorded_pair

    _check_screen()
    # Planned here so a bad file fails with a clear message before any window opens.
    tracks = _tracks(args)
    recording = recorded_pair(tracks, speed=1.0) if tracks else None
    model = check_model_folder(args.model) if args.model else None
    from salesmirror.ui.application import run_app

    return run_app(recording=recording, model_override=model)
