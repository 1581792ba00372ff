"""The sandbox e-wallet's own pages: what a shopper sees at the wallet before coming back.

It stands in for MoMo, ZaloPay or ShopeePay in development and tests: the shopper confirms
or cancels, and is sent back to o2o with parameters signed as a real wallet signs them.
"""

import html
import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from o2o.deps import AppSettings, DbSession
from o2o.errors import NotFound
from o2o.payments import signing
from o2o.payments.models import PaymentIntent, PaymentStatus

router = APIRouter(prefix="/sandbox/wallet", include_in_schema=False)

_PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ví sandbox</title>
<style>body{{font-family:system-ui,sans-serif;background:#a50064;color:#fff;display:grid;
place-items:center;min-height:100vh;margin:0}}main{{background:#fff;color:#222;border-radius:16px;
padding:28px;max-width:340px;width:90%;text-align:center}}strong{{font-size:1.8rem;display:block;
margin:8px 0 20px}}button{{width:100%;padding:14px;border-radius:10px;border:0;font-size:1rem;
margin-top:8px}}.pay{{background:#a50064;color:#fff}}.no{{background:#eee}}</style>
<main><p>Ví sandbox · thanh toán cho</p><p><b>{merchant}</b></p><strong>{amount} ₫</strong>
<form method="post"><button class="pay" name="outcome" value="succeeded">Xác nhận thanh toán
</button><button class="no" name="outcome" value="failed">Huỷ</button></form>
<p style="font-size:.8rem;color:#777">Môi trường thử nghiệm: không có tiền thật.</p></main>"""


def _intent(session: DbSession, ref: str) -> PaymentIntent:
    intent = session.scalar(select(PaymentIntent).where(PaymentIntent.provider_ref == ref))
    if intent is None or intent.status is not PaymentStatus.PENDING:
        raise NotFound("This wallet payment is not waiting.", payment_ref=ref)
    return intent


@router.get("/{ref}", response_class=HTMLResponse)
def wallet_page(ref: str, session: DbSession) -> str:
    intent = _intent(session, ref)
    return _PAGE.format(merchant=html.escape(f"Đơn hàng #{intent.order_id}"),
                        amount=f"{intent.amount:,}".replace(",", "."))


@router.post("/{ref}")
def wallet_confirm(ref: str, session: DbSession, settings: AppSettings,
                   outcome: str = Form(pattern="^(succeeded|failed)$")) -> RedirectResponse:
    intent = _intent(session, ref)
    params = signing.sign_params({
        "event_id": f"wev_{secrets.token_hex(8)}", "payment_ref": ref, "status": outcome,
        "amount": str(intent.amount)}, secret=settings.payment_webhook_secret)
    return RedirectResponse("/api/v1/payments/wallet/return?" + urlencode(params),
                            status_code=303)
