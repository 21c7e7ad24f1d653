"""GX Data Docs for gate results, readable from a copied folder with no server and no network.

Reviewers open a release folder on a machine without internet, so the site is built by GX's
own Data Docs machinery (``SiteBuilder`` behind ``build_data_docs``) and then made
self-contained: GX 1.24's page templates load Bootstrap, jQuery, Font Awesome, Vega and
friends from CDNs, and those files are vendored under ``reports/vendor/data_docs/`` (from
npm, see its README). Each page's CDN address is rewritten to a relative path to the copy in
``static/vendor/`` of the site. An address this module does not know makes the build fail,
so a GX upgrade that adds one cannot silently produce a site that needs the internet.

The input is the serialized ``ExpectationSuiteValidationResult`` dicts the gate records
(``validate_suite(..., raw=...)``), so the site can be rebuilt later, in another process,
from the JSON files alone.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dagster_project.lib.home.paths import REPORTS_DIR

VENDOR_DIR = REPORTS_DIR / "vendor" / "data_docs"
SITE_NAME = "nq57_gate"
SITE_VENDOR = "static/vendor"  # where the vendored files go, relative to the site root

# Every remote script, stylesheet and font GX 1.24's templates load (``page.j2``,
# ``index_page.j2``, ``js_script_imports.j2``), mapped to its copy under VENDOR_DIR.
# ``vega@5``-style addresses are what jsDelivr resolves them to (the package's ``jsdelivr``
# file at the newest matching version when vendored).
CDN_FILES: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/build/vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fortawesome-fontawesome-free-6.6.0/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js-1.12.9/dist/umd/popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap-4.3.1/dist/js/bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap-4.3.1/dist/css/bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table-1.19.1/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table-1.19.1/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/dist/extensions/filter-control/"
        "bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/"
        "bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/"
        "bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker-1.9.0/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/dist/css/bootstrap-datepicker.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css":
        "forevolve-bootstrap-dark-1.1.0/dist/css/bootstrap-prefers-dark.css",
}

# GX's logos, which the templates take from GX's web bucket although the site's own
# ``static/images/`` holds the long logo. The dark-mode logo is not shipped, so dark mode
# shows the same long logo. Paths are relative to the site root.
_GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
REMOTE_IMAGES: dict[str, str] = {
    f"{_GX_ASSETS}logo-long.png": "static/images/logo-long.png",
    f"{_GX_ASSETS}full_logo_dark.png": "static/images/logo-long.png",
}

_LOADING_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
_SRC_OR_HREF = re.compile(r"""\b(src|href)=(["'])(.*?)\2""", re.IGNORECASE)
_INTEGRITY = re.compile(r"""\s+integrity=(["'])(.*?)\1""", re.IGNORECASE)
_CROSSORIGIN = re.compile(r"""\s+crossorigin(?:=(["'])[^"']*\1)?""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(https?://[^"')\s]+)\1\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(["'])(https?://[^"']+)\1""", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def write_data_docs(validation_results: Sequence[dict[str, Any]], out_dir: Path) -> Path:
    """Write a GX Data Docs site for serialized validation results; return its index.html.

    ``validation_results`` are ``ExpectationSuiteValidationResult.to_json_dict()`` dicts as
    read back from disk. ``out_dir`` must be empty or absent: a release folder holds only
    the pages of its own results.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"Data Docs: {out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    context = _context(out_dir)
    keys = set()
    for raw in validation_results:
        # The suite is rebuilt from an untouched copy: only the validation pages get the
        # rule descriptions.
        context.suites.add_or_update(_suite_of(_load_result(raw)))
        result = _with_rule_descriptions(_load_result(raw))
        key = _result_key(result)
        keys.add(key)
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[SITE_NAME])
    _check_pages(out_dir, len(keys))
    _copy_vendor(out_dir)
    for path in sorted(out_dir.rglob("*.html")) + sorted(out_dir.rglob("*.css")):
        if SITE_VENDOR not in path.relative_to(out_dir).as_posix():
            _localise_file(path, out_dir)
    return out_dir / "index.html"


def _context(out_dir: Path) -> Any:
    """An in-memory GX context whose only Data Docs site is ``out_dir``.

    Its own site config replaces the ephemeral default (which would also write a site into
    a temporary folder). How-to buttons are off: they link to GX's online docs.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites={SITE_NAME: {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(out_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }},
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _load_result(raw: dict[str, Any]) -> Any:
    """The GX object of a serialized result, through GX's own schema (as its stores do)."""
    from great_expectations.core.expectation_validation_result import (
        expectationSuiteValidationResultSchema,
    )

    return expectationSuiteValidationResultSchema.load(raw)


def _with_rule_descriptions(result: Any) -> Any:
    """Let the validation tables say which rule each row is, in the reviewers' words.

    The gate writes ``<rule id> [<severity>] <message vi> / <message en>`` as each
    expectation's notes; GX 1.24 does not show notes on validation pages and its
    ``meta_properties`` columns fail for 1.x expectations, but it shows an expectation's
    ``description`` instead of its generated sentence. The suite pages, built from the
    untouched configurations, keep GX's sentence and the notes.
    """
    for expectation_result in result.results:
        config = expectation_result.expectation_config
        if config is None or config.description:
            continue
        text = config.notes if isinstance(config.notes, str) else ""
        text = text or str((config.meta or {}).get("rule_id") or "")
        if text:
            config.description = text.replace("$", "$$")  # GX reads it as a string template
    return result


def _suite_of(result: Any) -> Any:
    """The expectation suite as it was validated, rebuilt from the result's configurations.

    The site links every validation page and the index to the suite's own page, so the
    suite must be in the context; the result carries each expectation's configuration
    (kwargs, rule id and severity in ``meta``, reviewer messages in ``notes``).
    """
    import great_expectations as gx

    expectations = []
    for expectation_result in result.results:
        config = expectation_result.expectation_config
        if config is None:
            continue
        raw = config.to_json_dict()
        # The batch belongs to the run, not to the suite.
        raw["kwargs"] = {k: v for k, v in raw["kwargs"].items() if k != "batch_id"}
        expectations.append(raw)
    return gx.ExpectationSuite(name=result.suite_name, expectations=expectations)


def _result_key(result: Any) -> Any:
    """The store key GX itself gives a result: suite, run id and batch id.

    The batch id is not serialized at the top level; each expectation's kwargs carry it.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = result.meta.get("run_id") or {}
    batch_ids = [r.expectation_config.kwargs.get("batch_id") for r in result.results
                 if r.expectation_config is not None]
    batch_id = next((b for b in batch_ids if b), None) or result.asset_name
    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
        run_id=run_id if isinstance(run_id, RunIdentifier) else RunIdentifier(**run_id),
        batch_identifier=batch_id,
    )


def _check_pages(out_dir: Path, expected: int) -> None:
    """Fail if GX skipped a result: its site builder logs rendering errors and carries on."""
    written = len(list((out_dir / "validations").rglob("*.html")))
    if written != expected:
        raise RuntimeError(f"Data Docs: {written} of {expected} validation pages written; "
                           "see the great_expectations log for the rendering error")


def _copy_vendor(out_dir: Path) -> None:
    """Copy the vendored libraries into the site, licences included."""
    missing = [path for path in CDN_FILES.values() if not (VENDOR_DIR / path).is_file()]
    if missing:
        raise FileNotFoundError(f"Data Docs: vendored files missing in {VENDOR_DIR}: {missing}")
    shutil.copytree(VENDOR_DIR, out_dir / SITE_VENDOR)


def _localise_file(path: Path, site_root: Path) -> None:
    """Point one page's (or stylesheet's) remote loads at the site's local copies."""
    prefix = _prefix(path, site_root)
    text = path.read_text(encoding="utf-8")
    text = _LOADING_TAG.sub(lambda tag: _localise_tag(tag.group(0), path, site_root), text)
    text = _CSS_URL.sub(lambda m: f"url('{prefix}{_local_target(m.group(2))}')", text)
    text = _CSS_IMPORT.sub(lambda m: f"@import '{prefix}{_local_target(m.group(2))}'", text)
    path.write_text(text, encoding="utf-8")


def _prefix(path: Path, site_root: Path) -> str:
    """The relative path from a file's folder back to the site root (``""`` or ``../``…)."""
    relative = os.path.relpath(site_root, path.parent)
    return "" if relative == "." else Path(relative).as_posix() + "/"


def _localise_tag(tag: str, path: Path, site_root: Path) -> str:
    """Rewrite the ``src``/``href`` of one ``script``/``link``/``img`` tag.

    A remote address becomes the vendored copy; its ``integrity`` hash is checked against
    that copy and then dropped with ``crossorigin``, because browsers refuse integrity
    checks on ``file://`` loads. A local ``static/`` address that does not resolve is
    re-rooted at the site (GX 1.24 puts the favicon of validation pages one level short).
    """
    match = _SRC_OR_HREF.search(tag)
    if match is None:
        return tag
    address = match.group(3)
    prefix = _prefix(path, site_root)
    if _REMOTE.match(address):
        target = _local_target(address)
        integrity = _INTEGRITY.search(tag)
        if integrity:
            _check_integrity(site_root / target, integrity.group(2))
        tag = _CROSSORIGIN.sub("", _INTEGRITY.sub("", tag))
        new_address = prefix + target
    elif _resolves(address, path) or "static/" not in address:
        return tag
    else:
        new_address = prefix + address[address.index("static/"):]
    return _SRC_OR_HREF.sub(
        lambda m: f"{m.group(1)}={m.group(2)}{new_address}{m.group(2)}", tag, count=1)


def _local_target(address: str) -> str:
    """The site-relative path that replaces a remote address; unknown ones are an error."""
    parts = urlsplit(address if "://" in address else "https:" + address)
    bare = f"{parts.scheme}://{parts.netloc}{parts.path}"  # GX adds ``?d=<id>`` to logos
    if bare in CDN_FILES:
        return f"{SITE_VENDOR}/{CDN_FILES[bare]}"
    if bare in REMOTE_IMAGES:
        return REMOTE_IMAGES[bare]
    raise ValueError(f"Data Docs: no local copy of {address}; vendor it in {VENDOR_DIR}")


def _resolves(address: str, path: Path) -> bool:
    """Whether a relative address (query and fragment ignored) names an existing file."""
    bare = urlsplit(address).path
    return not bare or (path.parent / bare).exists()


def _check_integrity(file: Path, integrity: str) -> None:
    """Fail if a vendored file is not the one GX pinned with a subresource-integrity hash."""
    algorithm, _, expected = integrity.strip().partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, file.read_bytes()).digest()).decode()
    if digest != expected:
        raise ValueError(f"Data Docs: {file} does not match GX's integrity hash {integrity}")

