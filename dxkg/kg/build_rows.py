"""Appendix table rows → RDF: tasks, KPI indicators, service usage and stated totals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from dxkg.domain.codes import BUDGET_CATEGORIES
from dxkg.domain.text import slug
from dxkg.kg import iris
from dxkg.kg.namespaces import DX, ID
from dxkg.kg.rdf import DCT, SCHEMA, SKOS, TIME, GraphWriter, vi
from dxkg.loaders.records import ALL, AgencyRef, Deadline, LegalRef, ParsedDocument, SystemRef


class RowsMixin:
    """Builder part for table rows; expects ``appendix``, ``agency``, ``legal_doc`` and
    ``system`` from the Builder."""

    appendix: Callable[[GraphWriter, str, str], str]
    agency: Callable[[AgencyRef, str | None], str]
    legal_doc: Callable[[LegalRef], str]
    system: Callable[[SystemRef, str | None], str]

    def rows(self, w: GraphWriter, doc: ParsedDocument, src: str) -> None:
        groups: dict[tuple, str] = {}
        for t in doc.tasks:
            self.task(w, doc, src, t, groups)
        for ind in doc.indicators:
            self.indicator(w, doc, src, ind, groups)
        self.sub_indicators(w, doc)
        for s in doc.services:
            self.service(w, doc, src, s)
        for tot in doc.totals:
            self.stated_total(w, doc, src, tot)

    def row(self, w: GraphWriter, kind: str, cls: str, doc: ParsedDocument, src: str, rec, label: str) -> str:
        """What every row entity has: type, label, number, plan, appendix, provenance."""
        iri = iris.row_entity(kind, doc.stem, rec.appendix, rec.span.line)
        w.typed(iri, cls)
        w.label(iri, label)
        w.value(iri, DX + "number", rec.number)
        w.add(iri, DX + "partOfPlan", src)
        if rec.appendix:
            w.add(iri, DX + "inAppendix", self.appendix(w, src, rec.appendix))
        w.provenance(iri, src, rec.span)
        return iri

    def planned_row(self, w: GraphWriter, kind: str, cls: str, doc: ParsedDocument, src: str, rec, groups: dict) -> str:
        """What tasks and indicators have besides ``row``: title, table, group, lead and
        cooperating agencies, and the legal documents named in the row or its group."""
        province = doc.header.province
        iri = self.row(w, kind, cls, doc, src, rec, rec.title)
        w.value(iri, DCT + "title", vi(rec.title))
        w.value(iri, DX + "tableIndex", rec.table)
        w.add(iri, DX + "inGroup", self.task_group(w, src, rec.appendix, rec.group, rec.pillar, groups))
        self.agencies_of(w, iri, DX + "leadAgency", rec.leads, province)
        self.agencies_of(w, iri, DX + "cooperatingAgency", rec.coops, province)
        for ref in rec.refs:
            w.add(iri, DX + "legalBasis", self.legal_doc(ref))
        return iri

    def task(self, w: GraphWriter, doc: ParsedDocument, src: str, t, groups: dict) -> None:
        iri = self.planned_row(w, "task", DX + "Task", doc, src, t, groups)
        self.deadline(w, iri, t.deadline, t.due)
        w.value(iri, DX + "expectedResult", t.result)
        w.value(iri, DX + "leader", t.leader)
        w.value(iri, DX + "note", t.note)
        w.value(iri, DX + "rentalYears", t.years)
        for b in t.budgets:
            self.budget(w, iri, b)
        for s in t.systems:
            w.add(iri, DX + "concernsSystem", self.system(s, doc.header.province))

    def indicator(self, w: GraphWriter, doc: ParsedDocument, src: str, ind, groups: dict) -> None:
        iri = self.planned_row(w, "indicator", DX + "Indicator", doc, src, ind, groups)
        w.value(iri, DX + "targetText", ind.target)
        w.value(iri, DX + "targetValue", ind.value)
        w.value(iri, DX + "unit", ind.unit)
        w.value(iri, DX + "comparator", ind.comparator)
        w.value(iri, DX + "note", ind.note)
        self.agencies_of(w, iri, DX + "assessingAgency", ind.assessors, doc.header.province)

    @staticmethod
    def sub_indicators(w: GraphWriter, doc: ParsedDocument) -> None:
        stem = doc.stem
        iri = {
            (i.appendix, i.number): iris.row_entity("indicator", stem, i.appendix, i.span.line) for i in doc.indicators
        }
        for ind in doc.indicators:
            if ind.parent and (ind.appendix, ind.parent) in iri:
                w.add(iri[(ind.appendix, ind.number)], DX + "subIndicatorOf", iri[(ind.appendix, ind.parent)])

    def service(self, w: GraphWriter, doc: ParsedDocument, src: str, s) -> None:
        iri = self.row(w, "service", DX + "ServiceUsage", doc, src, s, s.label)
        w.value(iri, DX + "serviceGroup", s.group)
        w.value(iri, DX + "tableIndex", s.table)
        w.value(iri, DX + "totalTransactions", s.total)
        w.value(iri, DX + "successfulTransactions", s.success)
        w.value(iri, DX + "failedTransactions", s.failed)
        for sys in s.systems:
            w.add(iri, DX + "mentionsSystem", self.system(sys, doc.header.province))

    def stated_total(self, w: GraphWriter, doc: ParsedDocument, src: str, tot) -> None:
        iri = (
            iris.row_entity("total", doc.stem, tot.appendix, tot.span.line) + f"/{slug(tot.kind)}-{slug(tot.category)}"
        )
        w.typed(iri, DX + "StatedTotal")
        w.label(iri, f"{tot.appendix} {tot.kind} {tot.category}: {tot.value}")
        w.value(iri, DX + "totalKind", tot.kind)
        if tot.kind == "budget" and tot.category in BUDGET_CATEGORIES:
            w.add(iri, DX + "budgetCategory", iris.code("budget", tot.category))
        if tot.kind.startswith("service_") and tot.category != ALL:
            w.value(iri, DX + "serviceGroup", tot.category)  # a group subtotal covers its group
        w.value(iri, DX + "columnLabel", tot.category)
        w.value(iri, DX + "totalValue", Decimal(tot.value))
        w.value(iri, DX + "tableIndex", tot.table)
        w.add(iri, DX + "partOfPlan", src)
        if tot.appendix:
            w.add(iri, DX + "inAppendix", self.appendix(w, src, tot.appendix))
        w.provenance(iri, src, tot.span)

    @staticmethod
    def task_group(w: GraphWriter, src: str, appendix: str, path: list, pillar: str, seen: dict) -> str | None:
        """The innermost group row a task sits under, as a dx:TaskGroup mapped to a pillar."""
        if not path:
            return None
        parent = None
        for depth in range(1, len(path) + 1):
            key = (appendix, tuple(path[:depth]))
            if key not in seen:
                iri = f"{src}/appendix/{slug(appendix or 'bang')}/group/" + "/".join(slug(p, 40) for p in path[:depth])
                w.typed(iri, DX + "TaskGroup", SKOS + "Concept")
                w.add(iri, SKOS + "prefLabel", vi(path[depth - 1]))
                w.label(iri, path[depth - 1])
                w.add(iri, SKOS + "broader", parent or f"{ID}code/pillar-{pillar}")
                seen[key] = iri
            parent = seen[key]
        return parent

    def agencies_of(self, w: GraphWriter, subject: str, prop: str, agencies, province) -> None:
        for a in agencies:
            w.add(subject, prop, self.agency(a, province))

    @staticmethod
    def deadline(w: GraphWriter, task: str, text: str | None, d: Deadline | None) -> None:
        """The deadline as written, as an OWL-Time interval, and as a frequency when standing."""
        if not text:
            return
        w.value(task, DX + "deadlineText", text)
        if d is None:
            return
        if d.frequency:
            w.add(task, DX + "frequency", iris.code("freq", d.frequency))
        if d.start or d.end:
            iv = f"{task}/deadline"
            w.add(task, DX + "deadline", iv)
            w.typed(iv, TIME + "ProperInterval")
            w.label(iv, text)
            for prop, part, day in (("hasBeginning", "begin", d.start), ("hasEnd", "end", d.end)):
                if day:
                    inst = f"{iv}/{part}"
                    w.add(iv, TIME + prop, inst)
                    w.typed(inst, TIME + "Instant")
                    w.value(inst, TIME + "inXSDDate", day)

    @staticmethod
    def budget(w: GraphWriter, task: str, b) -> None:
        iri = f"{task}/budget/{slug(b.category)}"
        w.add(task, DX + "budget", iri)
        w.typed(iri, DX + "BudgetAmount", SCHEMA + "MonetaryAmount")
        w.value(iri, SCHEMA + "value", Decimal(b.million_vnd) * 1_000_000)
        w.value(iri, SCHEMA + "currency", "VND")
        w.add(iri, DX + "budgetCategory", iris.code("budget", b.category))
        w.value(iri, DX + "columnLabel", b.label)
        w.value(iri, DX + "amountAsWritten", b.written or f"{b.million_vnd} triệu đồng")
        w.label(iri, f"{b.label}: {b.million_vnd} triệu đồng")
