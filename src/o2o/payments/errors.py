"""Why a payment was refused, as domain errors: the API answers each with its stable code."""

from o2o.errors import Conflict, DomainError, InvalidInput


class InvalidAmount(InvalidInput, ValueError):
    """A payment amount is a whole, positive number of đồng."""

    code = "invalid_amount"


class VietQRFieldInvalid(InvalidInput, ValueError):
    """A bank BIN, account, card or order reference that a VietQR code cannot carry."""

    code = "vietqr_field_invalid"


class VietQRMalformed(InvalidInput, ValueError):
    """The text is not a well-formed VietQR (EMVCo) payload."""

    code = "vietqr_malformed"


class VietQRChecksumMismatch(VietQRMalformed):
    """The payload's CRC does not match its content: it was altered or mistyped."""

    code = "vietqr_checksum_mismatch"


class CardNumberInvalid(InvalidInput):
    """The card number is mistyped (it fails the Luhn check or has the wrong length)."""

    code = "card_number_invalid"


class CardBrandUnsupported(InvalidInput):
    """Only Visa, Mastercard, JCB and NAPAS domestic cards are accepted."""

    code = "card_brand_unsupported"


class ChallengeUnknown(InvalidInput):
    """The card challenge id is not the one this payment is waiting on."""

    code = "challenge_unknown"


class PaymentStatusConflict(Conflict):
    """The payment is not in a status that allows this (e.g. capturing a voided one)."""

    code = "payment_status_conflict"


class CaptureExceedsAuthorized(InvalidInput):
    """A capture takes at most the amount that was authorized."""

    code = "capture_exceeds_authorized"


class RefundExceedsCaptured(InvalidInput):
    """Refunds, added up, cannot exceed what was captured."""

    code = "refund_exceeds_captured"


class InstalmentPlanUnavailable(InvalidInput):
    """The plan's length is not offered, or the amount is under the instalment minimum."""

    code = "instalment_plan_unavailable"


class TenderTooSmall(InvalidInput):
    """The cash handed over is less than the amount due."""

    code = "tender_too_small"


class SignatureInvalid(DomainError):
    """A webhook or redirect was not signed by the provider; it was ignored."""

    code = "signature_invalid"


class SignatureMissing(SignatureInvalid):
    """The request carries no signature (or an unreadable one)."""

    code = "signature_missing"


class SignatureMismatch(SignatureInvalid):
    """The signature does not match the content: wrong secret or altered content."""

    code = "signature_mismatch"


class SignatureExpired(SignatureInvalid):
    """The signed timestamp is outside the tolerance window: a replay or a skewed clock."""

    code = "signature_expired"


class OrderNotPayable(Conflict):
    """The order is cancelled, expired or already paid in full."""

    code = "order_not_payable"


class AmountExceedsOutstanding(InvalidInput):
    """A payment asks for more than the order still owes (``details.outstanding``)."""

    code = "amount_exceeds_outstanding"


class MethodUnavailable(InvalidInput):
    """This method cannot be used here: cash only at the counter, VietQR only for a merchant
    with a bank account on file, instalments only above their minimum."""

    code = "method_unavailable"


class PaymentDetailsMissing(InvalidInput):
    """The method needs more (a card number, a plan length, the cash tendered)."""

    code = "payment_details_missing"


class NotificationInvalid(InvalidInput):
    """A provider's notification body is not what that provider sends."""

    code = "notification_invalid"
