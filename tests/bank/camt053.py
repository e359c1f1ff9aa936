"""Writes an ISO 20022 camt.053.001.02 bank statement file from a JSON description on stdin.

The XML is made by pyiso20022's bindings, which are generated from the ISO 20022 message
schema (xsdata), so the file has the elements, order and namespace the standard defines, not
our reading of them. The tests describe what the bank booked; this writes it as a bank would.

Input: {"msg_id": "...", "statements": [{"id", "iban", "opening": "1000.00", "entries": [
  {"amount": "3100.00", "credit": true, "booked": "2026-05-04", "ref": "bank ref",
   "status": "BOOK", "txs": [{"amount", "ref", "end_to_end", "creditor_ref", "ustrd": [...],
   "debtor": "name"}]}]}]}
"""

import json
import sys
from decimal import Decimal

from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.models.datatype import XmlDate, XmlDateTime

import pyiso20022.camt.camt_053_001_02 as c


def amount(text, ccy="EUR"):
    return c.ActiveOrHistoricCurrencyAndAmount(value=Decimal(text), ccy=ccy)


def day(text):
    return c.DateAndDateTimeChoice(dt=XmlDate.from_string(text))


def transfer_code():
    # ISO bank transaction code: payments, received credit transfers, SEPA credit transfer.
    return c.BankTransactionCodeStructure4(
        domn=c.BankTransactionCodeStructure5(
            cd="PMNT",
            fmly=c.BankTransactionCodeStructure6(cd="RCDT", sub_fmly_cd="ESCT"),
        )
    )


def transaction(t, ccy):
    remittance = None
    if t.get("creditor_ref") or t.get("ustrd"):
        structured = []
        if t.get("creditor_ref"):
            structured.append(
                c.StructuredRemittanceInformation7(
                    cdtr_ref_inf=c.CreditorReferenceInformation2(
                        tp=c.CreditorReferenceType2(
                            cd_or_prtry=c.CreditorReferenceType1Choice(cd=c.DocumentType3Code.SCOR)
                        ),
                        ref=t["creditor_ref"],
                    )
                )
            )
        remittance = c.RemittanceInformation5(ustrd=t.get("ustrd", []), strd=structured)
    return c.EntryTransaction2(
        refs=c.TransactionReferences2(
            acct_svcr_ref=t.get("ref"), end_to_end_id=t.get("end_to_end", "NOTPROVIDED")
        ),
        amt_dtls=c.AmountAndCurrencyExchange3(
            tx_amt=c.AmountAndCurrencyExchangeDetails3(amt=amount(t["amount"], ccy))
        )
        if "amount" in t
        else None,
        rltd_pties=c.TransactionParty2(dbtr=c.PartyIdentification32(nm=t["debtor"]))
        if t.get("debtor")
        else None,
        rmt_inf=remittance,
    )


def entry(e):
    ccy = e.get("currency", "EUR")
    return c.ReportEntry2(
        amt=amount(e["amount"], ccy),
        cdt_dbt_ind=c.CreditDebitCode.CRDT if e.get("credit", True) else c.CreditDebitCode.DBIT,
        sts=c.EntryStatus2Code(e.get("status", "BOOK")),
        bookg_dt=day(e["booked"]),
        val_dt=day(e["booked"]),
        acct_svcr_ref=e.get("ref"),
        bk_tx_cd=transfer_code(),
        ntry_dtls=[c.EntryDetails1(tx_dtls=[transaction(t, ccy) for t in e.get("txs", [])])]
        if e.get("txs")
        else [],
    )


def balance(code, value, date):
    value = Decimal(value)
    return c.CashBalance3(
        tp=c.BalanceType12(cd_or_prtry=c.BalanceType5Choice(cd=c.BalanceType12Code(code))),
        amt=amount(str(abs(value))),
        cdt_dbt_ind=c.CreditDebitCode.CRDT if value >= 0 else c.CreditDebitCode.DBIT,
        dt=day(date),
    )


def statement(s, created):
    entries = s["entries"]
    opening = Decimal(s.get("opening", "0.00"))
    moved = sum(
        (Decimal(e["amount"]) * (1 if e.get("credit", True) else -1) for e in entries
         if e.get("status", "BOOK") == "BOOK"),
        Decimal("0"),
    )
    first = min(e["booked"] for e in entries)
    last = max(e["booked"] for e in entries)
    return c.AccountStatement2(
        id=s["id"],
        cre_dt_tm=created,
        acct=c.CashAccount20(id=c.AccountIdentification4Choice(iban=s["iban"]), ccy="EUR"),
        bal=[balance("OPBD", opening, first), balance("CLBD", opening + moved, last)],
        ntry=[entry(e) for e in entries],
    )


def main():
    spec = json.load(sys.stdin)
    created = XmlDateTime.from_string(spec.get("created", "2026-05-06T06:00:00"))
    document = c.Document(
        bk_to_cstmr_stmt=c.BankToCustomerStatementV02(
            grp_hdr=c.GroupHeader42(msg_id=spec["msg_id"], cre_dt_tm=created),
            stmt=[statement(s, created) for s in spec["statements"]],
        )
    )
    config = SerializerConfig(indent="  ")
    namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
    sys.stdout.write(XmlSerializer(config=config).render(document, ns_map={None: namespace}))


if __name__ == "__main__":
    main()
