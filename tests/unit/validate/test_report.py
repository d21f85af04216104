from __future__ import annotations

from ovfkit.validate import Diagnostic, Report, Severity


def diagnostic(code: str, severity: Severity) -> Diagnostic:
    return Diagnostic(code, code.lower(), severity, "m", "f", 1, 1)


def test_ok_and_counts() -> None:
    report = Report(
        "f",
        "relaxed",
        (
            diagnostic("R101", Severity.ERROR),
            diagnostic("R110", Severity.WARNING),
            diagnostic("N106", Severity.INFO),
        ),
    )
    assert not report.ok
    assert [d.code for d in report.errors] == ["R101"]
    assert [d.code for d in report.warnings] == ["R110"]
    assert [d.code for d in report.infos] == ["N106"]
    assert report.counts == {"error": 1, "warning": 1, "info": 1}
    assert report.codes() == ["R101", "R110", "N106"]


def test_warnings_and_infos_keep_a_report_ok() -> None:
    report = Report("f", "strict", (diagnostic("R110", Severity.WARNING),))
    assert report.ok
    assert Report("f", "relaxed").ok


def test_to_dict() -> None:
    report = Report("f", "relaxed", (diagnostic("R101", Severity.ERROR),), "vmware", "1.x", "dsp8023_1.1.1")
    data = report.to_dict()
    assert data["ok"] is False
    assert data["schema"] == "dsp8023_1.1.1"
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["diagnostics"][0]["code"] == "R101"
