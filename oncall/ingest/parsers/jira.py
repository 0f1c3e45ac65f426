"""Jira issue webhooks (Cloud, and Server/Data Center, which send the same issue events).

- `webhookEvent` `jira:issue_created` | `jira:issue_updated` | `jira:issue_deleted`; any other
  event (comments, worklogs, sprints…) changes no ticket and gives no event: [].
- ticket id `issue.key` (external_id and dedup_key); title `issue.fields.summary` (not needed
  on a resolve).
- severity `issue.fields.priority.name`: Highest/Blocker/Critical → critical, High/Major →
  high, Medium → medium, Low/Minor → low, Lowest/Trivial → info; no priority, or a name the
  shared vocabulary does not know either, → medium.
- resolve on `jira:issue_deleted`, or when the status is in the Done category
  (`issue.fields.status.statusCategory.key == "done"`); else trigger.
- `description` as plain text (REST v2) or Atlassian Document Format (REST v3), flattened to
  text in details.
- routing: `labels` → tags, `issuetype.name` → category. url: `<site>/browse/<key>`, the site
  taken from `issue.self`. occurred_at: `fields.updated`, else `fields.created` (Jira's
  `+0700` offset form, unparsed).
"""
from __future__ import annotations

import re

from oncall.ingest.event import NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact, dig, strings, text_or_none

SOURCE = "jira"
DEFAULT_SEVERITY = "medium"
ISSUE_EVENTS = ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted")
_PRIORITY = {
    **dict.fromkeys(("highest", "blocker", "critical"), "critical"),
    **dict.fromkeys(("high", "major"), "high"),
    "medium": "medium",
    **dict.fromkeys(("low", "minor"), "low"),
    **dict.fromkeys(("lowest", "trivial"), "info"),
}
# ADF nodes whose text ends a line; containers (doc, lists, table rows) just hold them.
_LINE_NODES = {"paragraph", "heading", "codeBlock", "rule", "mediaSingle", "tableCell", "tableHeader"}
_LINE_END = object()


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    webhook_event = body.text("webhookEvent", required=True)
    if webhook_event not in ISSUE_EVENTS:
        body.check()
        return []
    issue = body.child("issue", required=True)
    key = issue.text("key", required=True)
    fields = issue.child("fields", required=True)
    resolved = (webhook_event == "jira:issue_deleted"
                or dig(fields.data, "status", "statusCategory", "key") == "done")
    summary = fields.text("summary", required=not resolved)
    body.check()

    data = fields.data
    description = data.get("description")
    details = {
        "webhook_event": webhook_event,
        "project": text_or_none(dig(data, "project", "key")),
        "status": text_or_none(dig(data, "status", "name")),
        "priority": text_or_none(dig(data, "priority", "name")),
        "reporter": text_or_none(dig(data, "reporter", "displayName")),
        "description": text_or_none(description) or adf_to_text(description),
    }
    return [NormalizedEvent(
        action="resolve" if resolved else "trigger",
        dedup_key=key,
        title=summary or "",
        severity=severity_of(dig(data, "priority", "name")),
        source=SOURCE,
        external_id=key,
        url=_browse_url(issue.data.get("self"), key),
        details=compact(details),
        fields=routing_fields(category=text_or_none(dig(data, "issuetype", "name")),
                              tags=strings(data.get("labels"))),
        occurred_at=text_or_none(data.get("updated")) or text_or_none(data.get("created")),
    )]


def severity_of(priority_name: object) -> str:
    """The severity a priority name stands for (the table above); medium when unknown."""
    return normalise_severity(priority_name, _PRIORITY) or DEFAULT_SEVERITY


def adf_to_text(document: object) -> str | None:
    """The text of an Atlassian Document Format tree, one line per block; None if it has none.

    Iterative, so a deeply nested document cannot exhaust the stack.
    """
    parts: list[str] = []
    stack: list[object] = [document]
    while stack:
        node = stack.pop()
        if node is _LINE_END:
            parts.append("\n")
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            kind = node.get("type")
            text = node.get("text", dig(node, "attrs", "text"))  # mentions and emoji keep it in attrs
            if kind == "hardBreak":
                parts.append("\n")
            elif isinstance(text, str):
                parts.append(text)
            else:
                if isinstance(kind, str) and kind in _LINE_NODES:
                    stack.append(_LINE_END)
                stack.append(node.get("content"))
    flat = re.sub(r"\n{2,}", "\n", "".join(parts)).strip()
    return flat or None


def _browse_url(self_link: object, key: str) -> str | None:
    link = text_or_none(self_link)
    if not link or "/rest/" not in link:
        return None
    return f"{link.split('/rest/', 1)[0]}/browse/{key}"
