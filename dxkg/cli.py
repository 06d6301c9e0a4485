"""The ``dxkg`` command: build, add, remove, query, export, validate, serve.

Exit codes: 0 success; 1 failure (nothing changed); 2 usage error;
3 built, but something was skipped or lost: a document that could not be read, a reader that
  raised on a document (reported with the file and the reader), or a table a document
  announces that yielded no row, or a stated total its rows do not reproduce (each reported
  with file, line and reason);
4 (validate / build --strict) the graph has SHACL violations; with --strict also a lost table
  or a failed reader.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version

from dxkg.kg import queries
from dxkg.kg.formats import RESULT_FORMATS
from dxkg.kg.pipeline import EXIT_VIOLATIONS
from dxkg.kg.store import StoreError
from dxkg.server.options import HOST, PORT, Options
from dxkg.server.sandbox import SandboxUnavailable

DEFAULTS = Options()

NO_SANDBOX = (
    "the service did not start: query and update evaluation cannot be cut off from the network on this "
    "machine ({reason}). Run it as root, or where unprivileged user namespaces are allowed "
    "(user.max_user_namespaces > 0; on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0), "
    "or pass --no-sandbox to serve without it (SERVICE and LOAD are then refused by the text check only)."
)


def open_store(args, *, read_only: bool = True):
    """The embedded store at --store, or a remote SPARQL store at --endpoint."""
    require_store(args)
    if getattr(args, "endpoint", None):
        from dxkg.kg.remote import RemoteStore

        return RemoteStore.from_env(args.endpoint, flavour=args.flavour)
    from dxkg.kg.store import EmbeddedStore

    return EmbeddedStore(args.store, read_only=read_only)


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- build
def require_store(args) -> None:
    if not (args.store or getattr(args, "endpoint", None)):
        raise StoreError("give --store DIR (embedded store) or --endpoint URL (remote store)")


def cmd_build(args) -> int:
    from dxkg.kg.pipeline import build_store

    require_store(args)
    return build_store(
        args.paths,
        args.store,
        endpoint=args.endpoint,
        flavour=args.flavour,
        strict=args.strict,
        validate=not args.no_validate,
        report=progress,
        jobs=args.jobs,
    )


def cmd_add(args) -> int:
    from dxkg.kg.incremental import add_documents

    require_store(args)
    return add_documents(args.paths, args.store, strict=args.strict, validate=not args.no_validate, report=progress)


def cmd_remove(args) -> int:
    from dxkg.kg.incremental import remove_documents

    require_store(args)
    return remove_documents(args.names, args.store, validate=not args.no_validate, report=progress)


# ---------------------------------------------------------------------- query
def cmd_query(args) -> int:
    q = queries.get(args.name)
    params = {}
    for kv in args.param or []:
        if "=" not in kv:
            raise queries.QueryError(f"--param takes key=value, got {kv!r}")
        k, v = kv.split("=", 1)
        params[k] = v
    sparql = q.bind(params, defaults=False)  # every row, unless a page is asked for
    store = open_store(args)
    if args.format == "table":
        print_table(store.select(sparql))
    else:
        sys.stdout.buffer.write(store.select_bytes(sparql, args.format))
        if args.format == "json":
            sys.stdout.buffer.write(b"\n")
    return 0


def print_table(res: dict, width: int = 60) -> None:
    """Results as an aligned text table (values cut at ``width`` characters)."""
    cols = res["head"]["vars"]
    rows = [[_short(b.get(c, {}).get("value", ""), width) for c in cols] for b in res["results"]["bindings"]]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    print(f"({len(rows)} rows)")


def _short(v: str, width: int) -> str:
    v = " ".join(v.split())
    return v if len(v) <= width else v[: width - 1] + "…"


# ---------------------------------------------------------------------- export
def cmd_export(args) -> int:
    data = open_store(args).dump(args.format)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


# ---------------------------------------------------------------------- validate
def cmd_validate(args) -> int:
    from dxkg.kg.validate import render, validate_store

    report = validate_store(open_store(args))
    sys.stdout.write(render(report, args.format))
    return EXIT_VIOLATIONS if report.violations else 0


# ---------------------------------------------------------------------- serve
def cmd_serve(args) -> int:
    from dxkg.server.wsgi import serve

    serve(
        args.store,
        args.host,
        args.port,
        update_token=os.environ.get("DXKG_UPDATE_TOKEN") or None,
        query_timeout=args.timeout,
        upload_timeout=args.upload_timeout,
        max_rows=args.max_rows,
        max_triples=args.max_triples,
        max_body=args.max_body,
        request_timeout=args.request_timeout,
        connection_limit=args.connection_limit,
        threads=args.threads,
        workers=args.workers,
        allow_service=args.allow_service,
        sandbox=not args.no_sandbox,
        reload_interval=args.reload_interval,
        result_cache_mb=args.result_cache_mb,
        cors_origins=[o for o in (args.cors or "").split(",") if o],
    )
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dxkg", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def store_opts(p):
        p.add_argument("--store", help="folder of the embedded store (or give --endpoint)")
        p.add_argument(
            "--endpoint",
            help="remote SPARQL 1.1 store URL instead of --store "
            "(credentials from DXKG_ENDPOINT_USER / DXKG_ENDPOINT_PASSWORD)",
        )
        p.add_argument(
            "--flavour",
            default="generic",
            choices=["generic", "oxigraph", "virtuoso", "fuseki"],
            help="remote store kind (sets its update/graph-store URLs)",
        )

    b = sub.add_parser("build", help="build a fresh graph from documents and swap it in")
    b.add_argument(
        "paths", nargs="+", help="files or folders of plan documents (.txt, .md, .html, .docx, .pdf, page images)"
    )
    store_opts(b)
    b.add_argument(
        "--strict", action="store_true", help="refuse to swap in a graph with SHACL violations or lost tables"
    )
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    b.add_argument("--jobs", type=int, help="documents parsed at once (default: one per CPU)")
    b.set_defaults(fn=cmd_build)

    a = sub.add_parser("add", help="read documents and put (or replace) their graphs in an existing store")
    a.add_argument("paths", nargs="+", help="files or folders of plan documents")
    a.add_argument("--store", required=True, help="the store folder (embedded store)")
    a.add_argument(
        "--strict", action="store_true", help="refuse to swap in a graph with SHACL violations or lost tables"
    )
    a.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    a.set_defaults(fn=cmd_add, endpoint=None)

    r = sub.add_parser("remove", help="drop documents' graphs from an existing store")
    r.add_argument("names", nargs="+", help="file names (or paths) of documents in the store")
    r.add_argument("--store", required=True, help="the store folder (embedded store)")
    r.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    r.set_defaults(fn=cmd_remove, endpoint=None)

    q = sub.add_parser("query", help="run a named query from queries/")
    q.add_argument("name")
    store_opts(q)
    q.add_argument("--param", action="append", metavar="KEY=VALUE")
    q.add_argument("--format", default="table", choices=sorted(RESULT_FORMATS) + ["table"])
    q.set_defaults(fn=cmd_query)

    e = sub.add_parser("export", help="dump the graph")
    store_opts(e)
    e.add_argument("--format", default="trig", choices=["trig", "nquads", "turtle", "jsonld"])
    e.add_argument("--output", "-o")
    e.set_defaults(fn=cmd_export)

    v = sub.add_parser("validate", help="check the graph against the SHACL shapes (dxkg/ontology/shapes.ttl)")
    store_opts(v)
    v.add_argument("--format", default="text", choices=["text", "turtle", "json"])
    v.set_defaults(fn=cmd_validate)

    s = sub.add_parser("serve", help="serve SPARQL, the console and graph views")
    s.add_argument("--store", required=True)
    s.add_argument("--host", default=HOST, help=f"address to listen on (default {HOST})")
    s.add_argument("--port", type=int, default=PORT, help=f"default {PORT}")
    s.add_argument(
        "--timeout", type=float, help=f"per-query time limit in seconds (default {DEFAULTS.query_timeout:g})"
    )
    s.add_argument(
        "--upload-timeout",
        type=float,
        help=f"seconds to read a document sent to /upload before giving up (default {DEFAULTS.upload_timeout:g})",
    )
    s.add_argument("--max-rows", type=int, help=f"rows returned before truncating (default {DEFAULTS.max_rows})")
    s.add_argument(
        "--max-triples",
        type=int,
        help=f"CONSTRUCT/DESCRIBE/Graph Store GET triples before truncating (default {DEFAULTS.max_triples})",
    )
    s.add_argument(
        "--max-body",
        type=int,
        help=f"bytes accepted in a request body, else 413; also the largest document /upload takes "
        f"(default {DEFAULTS.max_body})",
    )
    s.add_argument(
        "--request-timeout",
        type=float,
        help=f"seconds to receive a request's headers and body, else 408 (default {DEFAULTS.request_timeout:g})",
    )
    s.add_argument(
        "--connection-limit", type=int, help=f"open connections accepted at once (default {DEFAULTS.connection_limit})"
    )
    s.add_argument("--threads", type=int, help=f"HTTP threads (default {DEFAULTS.threads})")
    s.add_argument("--workers", type=int, help="query worker processes (default: 2 to 4, by CPU count)")
    s.add_argument(
        "--allow-service",
        action="store_true",
        help="allow SERVICE and LOAD: query and update evaluation may then open network connections (off by default)",
    )
    s.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run query and update evaluation without the network sandbox, where the machine cannot provide it "
        "(SERVICE and LOAD are then refused by the text check only)",
    )
    s.add_argument("--cors", help="comma-separated origins allowed to query (never to write)")
    s.add_argument(
        "--reload-interval",
        type=float,
        help=f"seconds between checks for a store rebuilt by 'dxkg build' (0: never; default {DEFAULTS.reload_interval:g})",
    )
    s.add_argument(
        "--result-cache-mb",
        type=float,
        help="megabytes of query answers kept for repeated queries, reused while the data is unchanged "
        f"(0: none; default {DEFAULTS.result_cache_mb:g})",
    )
    s.set_defaults(fn=cmd_serve)
    ap.add_argument("--version", action="version", version=f"dxkg {version('dxkg')}")
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except (StoreError, queries.QueryError) as e:
        print(f"dxkg: {e}", file=sys.stderr)
        return 1
    except SandboxUnavailable as e:
        print(f"dxkg: {NO_SANDBOX.format(reason=e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
