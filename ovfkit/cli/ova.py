"""``ovfkit ova``: verify, list, extract and pack OVA packages.

Exit codes: 0 verified (or done), 1 verification failed or the package is unsafe, 2 usage error or
unreadable input (missing file, unreadable trust file, a file in the way of ``extract``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ovfkit.cli import exitcodes

if TYPE_CHECKING:
    from ovfkit.ova.findings import Finding, VerifyResult
    from ovfkit.ova.progress import ProgressBar

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``ova`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "ova",
        help="verify, list, extract and pack OVA packages",
        description="Work with OVA packages (tar archives of a descriptor, a manifest, a certificate and "
        "files). Packages are streamed and checked member by member; nothing is extracted unless asked.",
        epilog="Exit codes: 0 verified, 1 verification failed or unsafe package, 2 usage or unreadable.",
    )
    actions = parser.add_subparsers(dest="ova_command", metavar="ACTION")

    verify = actions.add_parser(
        "verify",
        help="check archive safety, manifest digests, signature and References",
        description="Stream the package once: refuse unsafe members, check the member order, every "
        "manifest digest, the signature and the References section.",
    )
    verify.add_argument("file", help="the .ova package")
    _trust_options(verify)
    verify.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    verify.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no notes, no summary")

    listing = actions.add_parser("list", help="list the members of a package without reading their data")
    listing.add_argument("file", help="the .ova package")
    listing.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    listing.add_argument(
        "--allow-compressed", action="store_true", help="read gzip/xz/bzip2-compressed packages"
    )

    extract = actions.add_parser(
        "extract",
        help="write a verified package's members into a folder",
        description="Verify the package and, only if it verifies, write its members into DIR: never "
        "outside DIR, never over an existing file unless --force.",
    )
    extract.add_argument("file", help="the .ova package")
    extract.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write into")
    extract.add_argument("--force", action="store_true", help="overwrite files that exist in DIR")
    _trust_options(extract)
    extract.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no notes, no summary")

    pack = actions.add_parser(
        "pack",
        help="build an OVA package from a descriptor and its files",
        description="Write a ustar OVA: the descriptor, the manifest, the certificate when signing, then "
        "the files of the References section (taken from the descriptor's folder only), in order.",
    )
    pack.add_argument("descriptor", help="the .ovf descriptor")
    pack.add_argument("-o", "--output", required=True, metavar="OVA", help="the package to write")
    pack.add_argument(
        "--manifest", choices=("sha256", "sha512"), default="sha256", help="digest (default sha256)"
    )
    pack.add_argument("--sign", metavar="KEY.pem", help="sign the manifest with this RSA private key")
    pack.add_argument("--cert", metavar="CERT.pem", help="the certificate (chain) of the signing key")
    pack.add_argument(
        "--update-sizes", action="store_true", help="set each File's ovf:size to its file's size"
    )
    pack.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    pack.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary")

    parser.set_defaults(run=run, ova_parser=parser)


def _trust_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trust", metavar="FILE", help="PEM file of trust anchors (or pinned certificates)")
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings (SHA1, no manifest, ...) as errors"
    )
    parser.add_argument(
        "--allow-compressed", action="store_true", help="read gzip/xz/bzip2-compressed packages"
    )


#: The longest line the text reports print (findings are bounded far below; this only guards).
_MAX_LINE = 4000


def _line(text: str) -> str:
    """A report line for a terminal: control characters from the package escaped, length bounded."""
    from ovfkit.cli.show import shown

    return shown(text, _MAX_LINE)


def _finding_line(package: str, item: Finding) -> str:
    from ovfkit.ova.errors import member_label

    where = f"member {member_label(item.member)}: " if item.member else ""
    return _line(f"{package}: {item.severity} {item.code} {item.name}: {where}{item.message}")


def _print_findings(result: VerifyResult, quiet: bool) -> None:
    for item in result.findings:
        if item.severity == "info" and quiet:
            continue
        print(_finding_line(result.package, item))


def _signature_summary(result: VerifyResult) -> str:
    if not result.signed:
        return "unsigned"
    if result.trusted:
        return f"signed by {result.signer}, trusted"
    return f"signed by {result.signer}, signer not checked"


def _summary(result: VerifyResult) -> str:
    if result.ok:
        algorithms = "/".join(result.manifest_algorithms) or "no"
        files = sum(1 for m in result.members if m.verified)
        return (
            f"{result.package}: verified ({len(result.members)} members, {files} digests matched, "
            f"{algorithms} manifest, {_signature_summary(result)})"
        )
    errors, warnings = len(result.errors), len(result.warnings)
    return (
        f"{result.package}: verification failed ({errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)})"
    )


def _progress(label: str, quiet: bool) -> ProgressBar | None:
    from ovfkit.ova.progress import terminal_progress

    return terminal_progress(label, quiet=quiet)


def _run_verify(args: argparse.Namespace) -> int:
    from ovfkit.ova import verify

    bar = _progress("verify", args.quiet or args.format == "json")
    try:
        result = verify(
            args.file,
            trust=args.trust,
            strict=args.strict,
            allow_compressed=args.allow_compressed,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_findings(result, args.quiet)
        if not (args.quiet and result.ok):
            print(_line(_summary(result)))
    return exitcodes.OK if result.ok else exitcodes.FINDINGS


def _run_list(args: argparse.Namespace) -> int:
    from ovfkit.ova import OvaFormatError, OvaLimitError, OvaUnsafeError, open
    from ovfkit.ova.errors import member_label
    from ovfkit.units import format_bytes

    members: list[dict[str, Any]] = []
    failure: dict[str, Any] | None = None
    name = args.file
    try:
        with open(args.file, allow_compressed=args.allow_compressed) as package:
            name = package.name
            for member in package:
                members.append(
                    {"index": member.index, "name": member.name, "size": member.size, "kind": member.kind}
                )
    except (OvaFormatError, OvaUnsafeError, OvaLimitError) as exc:
        failure = {"code": exc.code, "member": exc.member, "message": exc.reason}
    if args.format == "json":
        json.dump(
            {"package": name, "complete": failure is None, "members": members, "error": failure},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        rows = [["#", "Size", "Kind", "Name"]]
        rows += [[str(m["index"] + 1), format_bytes(m["size"]), m["kind"], m["name"]] for m in members]
        number, size, kind = (max(len(row[i]) for row in rows) for i in range(3))
        for row in rows:
            print(f"{row[0]:>{number}}  {row[1]:>{size}}  {row[2]:<{kind}}  {row[3]}")
    if failure is not None:
        where = f"member {member_label(failure['member'])}: " if failure["member"] else ""
        print(f"ovfkit: {name}: {failure['code']}: {where}{failure['message']}", file=sys.stderr)
        return exitcodes.FINDINGS
    return exitcodes.OK


def _run_extract(args: argparse.Namespace) -> int:
    from ovfkit.ova import extract

    bar = _progress("extract", args.quiet)
    try:
        outcome = extract(
            args.file,
            args.output,
            force=args.force,
            trust=args.trust,
            strict=args.strict,
            allow_compressed=args.allow_compressed,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    result = outcome.verify
    _print_findings(result, args.quiet)
    if not result.ok:
        print(_line(_summary(result) + "; nothing extracted"))
        return exitcodes.FINDINGS
    if outcome.refused is not None:
        print(_line(f"{result.package}: nothing extracted: {outcome.refused}"))
        return exitcodes.FINDINGS
    if not args.quiet:
        print(_line(f"{result.package}: extracted {len(outcome.written)} files to {outcome.destination}"))
    return exitcodes.OK


def _run_pack(args: argparse.Namespace) -> int:
    from ovfkit.ova import pack
    from ovfkit.units import format_bytes

    if (args.sign is None) != (args.cert is None):
        print("ovfkit ova pack: error: --sign and --cert go together", file=sys.stderr)
        return exitcodes.ERROR
    bar = _progress("pack", args.quiet)
    try:
        result = pack(
            args.descriptor,
            args.output,
            manifest=args.manifest,
            sign_key=args.sign,
            sign_cert=args.cert,
            update_sizes=args.update_sizes,
            force=args.force,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        signed = ", signed" if result.signed else ""
        print(
            f"wrote {result.output}: {len(result.members)} members, {format_bytes(result.size)}, "
            f"{result.algorithm} manifest{signed}"
        )
        if result.updated_sizes:
            print(f"updated ovf:size of {', '.join(result.updated_sizes)}")
    return exitcodes.OK


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit ova ACTION``."""
    handlers = {"verify": _run_verify, "list": _run_list, "extract": _run_extract, "pack": _run_pack}
    handler = handlers.get(args.ova_command or "")
    if handler is None:
        args.ova_parser.print_help(sys.stderr)
        return exitcodes.ERROR
    return handler(args)
