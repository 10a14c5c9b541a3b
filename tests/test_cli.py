"""The command line: ``cleaner run SOURCE... DEST``, ``cleaner rules``, ``python -m cleaner``."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from builders import ARTICLES, article_body, article_text
from click.testing import CliRunner, Result

from cleaner.cli import cli

ENGLISH = article_text(0)
HEADLINE = ARTICLES[0][0]
BODY = article_body(0)
GERMAN = "\n\n".join(
    [
        "Stadtrat beschließt neuen Haushalt",
        "Der Stadtrat hat am Dienstagabend nach langer Debatte den Haushalt für 2025 beschlossen.",
        "Die Opposition kritisierte vor allem die geplanten Kürzungen bei den öffentlichen Bibliotheken.",
        "Die Bürgermeisterin sagte, der Plan werde in den nächsten Tagen vollständig veröffentlicht.",
    ]
)
SPANISH = "\n\n".join(
    [
        "El ayuntamiento aprueba el nuevo presupuesto",
        "El pleno municipal aprobó el martes por la noche el presupuesto del próximo año.",
        "La oposición criticó sobre todo los recortes previstos en las bibliotecas públicas de la ciudad.",
        "La alcaldesa dijo que el plan se publicará íntegramente en la página web del ayuntamiento.",
    ]
)
FRENCH = "\n\n".join(
    [
        "Le conseil municipal adopte le nouveau budget",
        "Le conseil municipal a adopté mardi soir le budget de l'année prochaine après un long débat.",
        "L'opposition a surtout critiqué les coupes prévues dans les bibliothèques publiques de la ville.",
        "La maire a déclaré que le plan serait publié dans son intégralité sur le site de la mairie.",
    ]
)


def invoke(*args: str | Path, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def records(text: str) -> list[dict[str, Any]]:
    # Only "\n" ends a JSONL line: U+2028 or U+0085 may stand unescaped inside a string.
    return [json.loads(line) for line in text.split("\n") if line]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return records(path.read_text(encoding="utf-8"))


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


# --- text files and folders ------------------------------------------------------------------


def test_run_cleans_a_folder_of_text_files_into_jsonl(tmp_path: Path) -> None:
    write(tmp_path / "in" / "article.txt", article_text(0, "Advertisement"))
    result = invoke("run", tmp_path / "in", tmp_path / "out.jsonl")
    assert_ok(result)
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["id"] == "article"
    assert record["source"] == "article.txt"
    assert record["title"] == HEADLINE
    assert record["text"] == BODY
    assert record["lang"] == "en"
    removed = [(r["pass"], r["rule"], r["text"]) for r in record["removed"]]
    assert ("junk", "junk.advertisement", "Advertisement") in removed
    assert ("title", "title.first-line", HEADLINE) in removed


def test_a_record_starts_with_the_contract_fields_in_order(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    assert_ok(invoke("run", tmp_path / "in", tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert list(record) == ["id", "source", "title", "text", "captions", "lang", "lang_prob", "removed"]


def test_folders_are_walked_recursively_in_sorted_order_with_ids_relative_to_the_folder(
    tmp_path: Path,
) -> None:
    root = tmp_path / "in"
    for n, name in enumerate(["b.txt", "a/z.txt", "a/b/c.txt", "c/d/e.txt", "0.txt"]):
        write(root / name, article_text(n))
    assert_ok(invoke("run", root, tmp_path / "out.jsonl"))
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == ["0", "a/b/c", "a/z", "b", "c/d/e"]
    assert [r["source"] for r in out] == ["0.txt", "a/b/c.txt", "a/z.txt", "b.txt", "c/d/e.txt"]


def test_a_text_file_given_directly_is_named_by_its_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "story.txt", ENGLISH)
    assert_ok(invoke("run", path, tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert (record["id"], record["source"]) == ("story", "story.txt")


def test_windows_line_ends_and_a_byte_order_mark_are_layout(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(("\ufeff" + ENGLISH.replace("\n", "\r\n")).encode("utf-8"))
    assert_ok(invoke("run", tmp_path / "in", tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["title"] == HEADLINE
    assert record["text"] == BODY


def test_files_that_are_not_input_are_skipped_and_counted(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    write(tmp_path / "in" / "notes.md", "# notes")
    result = invoke("run", tmp_path / "in", tmp_path / "out.jsonl", "--stats", tmp_path / "stats.json")
    assert_ok(result)
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 1
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["documents_in"] == 1
    assert [Path(p).name for p in stats["skipped_files"]] == ["notes.md"]
    assert "1 non-input files skipped" in result.stderr


def test_a_text_file_in_windows_1252_is_decoded_not_rejected(tmp_path: Path) -> None:
    text = "Café society returns to the harbour\n\nThe café on the quay reopened on Monday, the owners said."
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(text.encode("cp1252"))
    result = invoke("run", tmp_path / "in", tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    assert_ok(result)
    assert read_jsonl(tmp_path / "rej.jsonl") == []
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["title"] == "Café society returns to the harbour"
    assert record["text"] == "The café on the quay reopened on Monday, the owners said."


def test_a_document_with_nothing_left_is_rejected_as_empty(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", "Advertisement\n\nShare this article\n")
    result = invoke("run", tmp_path / "in", tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    assert_ok(result)
    assert read_jsonl(tmp_path / "out.jsonl") == []
    (reject,) = read_jsonl(tmp_path / "rej.jsonl")
    assert (reject["id"], reject["reason"]) == ("a", "empty")


# --- JSONL -----------------------------------------------------------------------------------


def test_run_cleans_a_jsonl_file(tmp_path: Path) -> None:
    two = "\n".join(ARTICLES[1][1:3])
    write(tmp_path / "in.jsonl", jsonl({"id": "one", "text": ENGLISH}, {"id": "two", "text": two}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl"))
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [(r["id"], r["source"]) for r in out] == [("one", "in.jsonl"), ("two", "in.jsonl")]
    assert out[0]["title"] == HEADLINE
    assert out[1]["text"] == "\n\n".join(ARTICLES[1][1:3])


def test_run_cleans_a_gzipped_jsonl_file(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "in.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(jsonl({"id": "one", "text": ENGLISH}))
    assert_ok(invoke("run", tmp_path / "in.jsonl.gz", tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert (record["id"], record["source"], record["title"]) == ("one", "in.jsonl.gz", HEADLINE)


def test_jsonl_records_without_an_id_are_named_by_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"text": article_text(0)}) + "\n" + jsonl({"text": article_text(1)}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl"))
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["in.jsonl:1", "in.jsonl:3"]


def test_a_records_title_field_is_the_title(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"id": "x", "title": "Budget  vote &amp; cuts", "text": ENGLISH}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["title"] == "Budget vote & cuts"
    # The headline printed in the text was not the record's title, so it stays as text.
    assert record["text"].startswith(HEADLINE)


def test_extra_jsonl_fields_pass_through_unchanged(tmp_path: Path) -> None:
    extra = {
        "url": "https://example.org/a?b=1&c=2",
        "published": "2024-05-02T10:00:00Z",
        "tags": ["local", "budget"],
        "meta": {"words": 512, "paywall": False, "score": 0.25, "editor": None},
        "note": "Café &amp; “quotes” stay as they were",
    }
    write(tmp_path / "in.jsonl", jsonl({"id": "x", **extra, "text": ENGLISH}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert {k: record[k] for k in extra} == extra
    assert list(record)[-len(extra) :] == list(extra)


def test_a_records_source_field_is_kept_as_its_source(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"id": "x", "source": "crawl-7/page.html", "text": ENGLISH}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl"))
    assert read_jsonl(tmp_path / "out.jsonl")[0]["source"] == "crawl-7/page.html"


def test_text_and_id_fields_can_be_named(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"uid": "u-1", "id": "other", "body": ENGLISH, "text": "not this"}))
    result = invoke(
        "run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--text-field", "body", "--id-field", "uid"
    )
    assert_ok(result)
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["id"] == "u-1"
    assert record["text"] == BODY
    # The text field itself is consumed; the other fields pass through.
    assert "body" not in record
    assert record["uid"] == "u-1"


def test_the_title_field_can_be_named(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"id": "x", "headline": HEADLINE, "text": ENGLISH}))
    assert_ok(invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--title-field", "headline"))
    (record,) = read_jsonl(tmp_path / "out.jsonl")
    assert record["title"] == HEADLINE
    assert record["text"] == BODY


def test_several_sources_are_read_in_the_order_given(tmp_path: Path) -> None:
    write(tmp_path / "folder" / "t.txt", article_text(0))
    write(tmp_path / "b.jsonl", jsonl({"id": "from-b", "text": article_text(1)}))
    write(tmp_path / "a.jsonl", jsonl({"id": "from-a", "text": article_text(2)}))
    assert_ok(
        invoke("run", tmp_path / "b.jsonl", tmp_path / "folder", tmp_path / "a.jsonl", tmp_path / "out.jsonl")
    )
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["from-b", "t", "from-a"]


def test_jsonl_files_inside_a_folder_are_read_too(tmp_path: Path) -> None:
    write(tmp_path / "in" / "sub" / "batch.jsonl", jsonl({"text": article_text(0)}))
    write(tmp_path / "in" / "a.txt", article_text(1))
    assert_ok(invoke("run", tmp_path / "in", tmp_path / "out.jsonl"))
    assert [(r["id"], r["source"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        ("a", "a.txt"),
        ("sub/batch.jsonl:1", "sub/batch.jsonl"),
    ]


# --- standard input and output ---------------------------------------------------------------


def test_stdin_to_stdout_writes_only_jsonl_on_stdout() -> None:
    result = invoke(
        "run",
        "-",
        "-",
        input=jsonl({"id": "a", "text": article_text(0)}, {"id": "b", "text": article_text(1)}),
    )
    assert_ok(result)
    assert result.stdout.endswith("\n")
    out = records(result.stdout)
    assert [r["id"] for r in out] == ["a", "b"]
    assert all(r["source"] == "-" for r in out)
    assert "cleaner:" not in result.stdout


def test_stdout_stays_pure_jsonl_when_there_are_bad_lines() -> None:
    result = invoke("run", "-", "-", input="{broken\n" + jsonl({"id": "a", "text": ENGLISH}))
    assert_ok(result)
    assert [r["id"] for r in records(result.stdout)] == ["a"]
    assert "invalid-json" in result.stderr


def test_jsonl_output_is_utf8_as_is() -> None:
    result = invoke("run", "-", "-", input=jsonl({"id": "a", "text": GERMAN}))
    assert_ok(result)
    assert "beschließt" in result.stdout


def test_the_summary_line_goes_to_stderr() -> None:
    result = invoke(
        "run", "-", "-", input=jsonl({"id": "a", "text": ENGLISH}, {"id": "b", "text": "Advertisement"})
    )
    assert_ok(result)
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("cleaner: 2 in, 1 out, 1 rejected (empty 1);")
    assert "removals" in summary


def test_quiet_prints_no_summary() -> None:
    result = invoke("run", "-", "-", "--quiet", input=jsonl({"id": "a", "text": ENGLISH}))
    assert_ok(result)
    assert result.stderr == ""


# --- rejects ---------------------------------------------------------------------------------


def test_bad_jsonl_lines_go_to_rejects_and_the_run_continues(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "good-1", "text": article_text(0)}),
        "{this is not json",
        json.dumps({"id": "no-text", "body": article_text(1)}),
        json.dumps({"id": "good-2", "text": article_text(2)}),
    ]
    write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    result = invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    assert_ok(result)
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["good-1", "good-2"]
    invalid, missing = read_jsonl(tmp_path / "rej.jsonl")
    assert (invalid["id"], invalid["source"], invalid["reason"], invalid["line"]) == (
        "in.jsonl:2",
        "in.jsonl",
        "invalid-json",
        2,
    )
    assert (missing["id"], missing["reason"], missing["line"]) == ("no-text", "missing-text", 3)
    assert invalid["detail"] and missing["detail"]


def test_each_bad_line_gets_a_one_line_message_naming_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", "{oops\n" + jsonl({"id": "x", "text": 42}))
    result = invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    assert_ok(result)
    messages = result.stderr.strip().splitlines()
    assert messages[0].startswith("cleaner: in.jsonl:1: invalid-json")
    assert messages[1].startswith("cleaner: in.jsonl:2: missing-text")
    assert len(messages) == 3  # and the summary


def test_a_json_value_that_is_not_an_object_is_invalid_json(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", '["a", "list"]\n"a string"\n')
    result = invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    assert_ok(result)
    assert [(r["reason"], r["line"]) for r in read_jsonl(tmp_path / "rej.jsonl")] == [
        ("invalid-json", 1),
        ("invalid-json", 2),
    ]


def test_a_text_that_is_not_a_string_is_missing_text(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", jsonl({"id": "n", "text": None}, {"id": "l", "text": ["a"]}))
    assert_ok(
        invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    )
    assert [(r["id"], r["reason"]) for r in read_jsonl(tmp_path / "rej.jsonl")] == [
        ("n", "missing-text"),
        ("l", "missing-text"),
    ]


def test_blank_lines_in_jsonl_are_not_documents(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", "\n" + jsonl({"id": "a", "text": ENGLISH}) + "\n  \n")
    result = invoke("run", tmp_path / "in.jsonl", tmp_path / "out.jsonl", "--stats", tmp_path / "s.json")
    assert_ok(result)
    assert json.loads((tmp_path / "s.json").read_text())["documents_in"] == 1


def test_lang_keeps_only_the_languages_asked_for(tmp_path: Path) -> None:
    write(
        tmp_path / "in.jsonl",
        jsonl(
            {"id": "en", "text": ENGLISH},
            {"id": "de", "text": GERMAN},
            {"id": "es", "text": SPANISH},
            {"id": "fr", "text": FRENCH},
        ),
    )
    result = invoke(
        "run",
        tmp_path / "in.jsonl",
        tmp_path / "out.jsonl",
        "--lang",
        "en,de",
        "--rejects",
        tmp_path / "rej.jsonl",
    )
    assert_ok(result)
    assert [(r["id"], r["lang"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [("en", "en"), ("de", "de")]
    rejects = read_jsonl(tmp_path / "rej.jsonl")
    assert [(r["id"], r["reason"]) for r in rejects] == [("es", "language"), ("fr", "language")]
    assert "es" in rejects[0]["detail"] and "fr" in rejects[1]["detail"]


def test_language_rejects_are_not_reported_as_bad_input() -> None:
    result = invoke("run", "-", "-", "--lang", "en", input=jsonl({"id": "es", "text": SPANISH}))
    assert_ok(result)
    assert result.stdout == ""
    (summary,) = result.stderr.strip().splitlines()  # no per-document warning, only the summary
    assert "rejected (language 1)" in summary


def test_without_lang_every_language_is_kept_and_labelled() -> None:
    result = invoke("run", "-", "-", input=jsonl({"id": "es", "text": SPANISH}, {"id": "fr", "text": FRENCH}))
    assert_ok(result)
    assert [r["lang"] for r in records(result.stdout)] == ["es", "fr"]


# --- stats -----------------------------------------------------------------------------------


def test_stats_account_for_every_document(tmp_path: Path) -> None:
    write(
        tmp_path / "in.jsonl",
        jsonl({"id": "a", "text": ENGLISH}, {"id": "b", "text": SPANISH}, {"id": "c"})
        + "not json\n"
        + jsonl({"id": "d", "text": "Advertisement"}),
    )
    result = invoke(
        "run",
        tmp_path / "in.jsonl",
        tmp_path / "out.jsonl",
        "--lang",
        "en",
        "--rejects",
        tmp_path / "rej.jsonl",
        "--stats",
        tmp_path / "stats.json",
    )
    assert_ok(result)
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents_in"] == 5
    assert stats["documents_in"] == stats["documents_out"] + stats["documents_rejected"]
    assert stats["documents_out"] == len(read_jsonl(tmp_path / "out.jsonl")) == 1
    assert stats["documents_rejected"] == len(read_jsonl(tmp_path / "rej.jsonl")) == 4
    assert stats["rejected"] == {"empty": 1, "invalid-json": 1, "language": 1, "missing-text": 1}


def test_stats_count_removals_by_rule(tmp_path: Path) -> None:
    text = ENGLISH + "\n\nAdvertisement\n\nShare this article"
    result = invoke(
        "run", "-", "-", "--stats", tmp_path / "stats.json", input=jsonl({"id": "a", "text": text})
    )
    assert_ok(result)
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["removals"] == {"junk.advertisement": 1, "junk.share": 1, "title.first-line": 1}
    assert stats["chars_removed"] == len("Advertisement") + len("Share this article") + len(HEADLINE)


# --- failures --------------------------------------------------------------------------------


def test_a_nonexistent_source_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "missing", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert "missing" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("command", [["run"], ["diff"]])
def test_every_command_that_reads_sources_checks_them_alike(tmp_path: Path, command: list[str]) -> None:
    extra = [tmp_path / "out.jsonl"] if command == ["run"] else []
    result = invoke(*command, tmp_path / "missing", *extra)
    assert result.exit_code == 2
    assert f"Invalid value for SOURCE: {tmp_path / 'missing'}: no such file or directory" in result.stderr


@pytest.mark.parametrize("command", [["run", "-", "-"], ["diff", "-"], ["rules"]])
def test_every_command_with_rules_reports_a_bad_rules_file_alike(tmp_path: Path, command: list[str]) -> None:
    rules = write(tmp_path / "rules" / "bad.toml", "[[rule]]\nid = \"junk.bad\"\npattern = '(unclosed'\n")
    result = invoke(*command, "--rules", rules, input=jsonl({"id": "a", "text": ENGLISH}))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "junk.bad" in result.stderr and "bad.toml" in result.stderr
    missing = invoke(*command, "--rules", tmp_path / "nowhere", input="")
    assert missing.exit_code == 2 and "'--rules'" in missing.stderr


def test_a_destination_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    result = invoke("run", tmp_path / "in", tmp_path)
    assert result.exit_code == 2


def test_a_bad_rules_file_fails_the_run_without_creating_dest(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    rules = write(tmp_path / "rules" / "bad.toml", "[[rule]]\nid = \"junk.bad\"\npattern = '(unclosed'\n")
    result = invoke("run", tmp_path / "in", tmp_path / "out.jsonl", "--rules", rules)
    assert result.exit_code == 1
    assert "junk.bad" in result.stderr and "bad.toml" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_failed_run_leaves_an_existing_dest_untouched(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    dest = write(tmp_path / "out.jsonl", '{"id": "from an earlier run"}\n')
    rules = write(tmp_path / "rules" / "bad.toml", "[[rule]]\nid = \"junk.bad\"\npattern = '(unclosed'\n")
    result = invoke("run", tmp_path / "in", dest, "--rules", rules)
    assert result.exit_code != 0
    assert dest.read_text(encoding="utf-8") == '{"id": "from an earlier run"}\n'


def test_a_run_failing_after_dest_was_opened_leaves_no_file_behind(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(
        "run", tmp_path / "in", out / "out.jsonl", "--rejects", tmp_path / "no-such-dir" / "rej.jsonl"
    )
    assert result.exit_code == 2  # refused before any work: the rejects' folder is missing
    assert list(out.iterdir()) == []


def test_a_successful_run_replaces_dest_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", ENGLISH)
    out = tmp_path / "out"
    dest = write(out / "out.jsonl", "old\n")
    assert_ok(invoke("run", tmp_path / "in", dest))
    assert [r["id"] for r in read_jsonl(dest)] == ["a"]
    assert list(out.iterdir()) == [dest]


# --- other commands --------------------------------------------------------------------------


def test_rules_lists_every_rule_id() -> None:
    result = invoke("rules")
    assert_ok(result)
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"junk.advertisement", "junk.read-more", "caption.credit", "caption.repeated"} <= set(ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("command", cli.list_commands(click.Context(cli)))
def test_every_option_has_help_of_its_own(command: str) -> None:
    """Each option (but ``--help``) explains itself in a sentence, and no two share their text."""
    group_command = cli.get_command(click.Context(cli), command)
    assert group_command is not None
    helps: dict[str, str] = {}
    for param in group_command.params:
        if isinstance(param, click.Option) and param.name != "help":
            text = (param.help or "").strip()
            assert len(text.split()) >= 3, f"{command} {param.opts}: help {text!r}"
            assert text[0].isupper(), f"{command} {param.opts}: help {text!r}"
            helps[param.opts[0]] = text
    assert helps, command
    assert len(set(helps.values())) == len(helps), f"{command}: two options share a help text"
    shown = invoke(command, "--help").stdout
    for option in helps:
        assert option in shown, f"{command}: {option} not in --help"


def test_version_is_printed() -> None:
    from cleaner import __version__

    result = invoke("--version")
    assert_ok(result)
    assert __version__ in result.stdout


def test_python_dash_m_cleaner_shows_help() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cleaner", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "run" in completed.stdout and "rules" in completed.stdout


@pytest.mark.parametrize("args", [["run"], ["run", "-"]])
def test_run_needs_a_source_and_a_destination(args: list[str]) -> None:
    assert invoke(*args).exit_code == 2
