"""The background-task layer always reports how a job ended, whatever it raised."""

from __future__ import annotations

from salesmirror.speech.download import DownloadError
from salesmirror.ui.background import BackgroundTask


def test_an_unexpected_exception_still_ends_the_task_with_a_message(qtbot, capsys) -> None:
    """A job that raised anything but the expected errors signalled neither success nor failure,
    so the dialog waiting on it stayed busy for ever."""

    def job(report):
        report(0.5)
        return {}["no such key"]

    task = BackgroundTask(job, (DownloadError,))
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args[0].startswith("Something unexpected went wrong (KeyError")
    assert "Traceback" in capsys.readouterr().err


def test_an_expected_error_is_the_users_message_as_it_is(qtbot) -> None:
    def job(report):
        raise DownloadError("The model could not be downloaded: there is no internet connection")

    task = BackgroundTask(job, (DownloadError,))
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args == ["The model could not be downloaded: there is no internet connection"]
