from o2o.errors import Conflict, NotAuthenticated, PermissionDenied


class InvalidCredentials(NotAuthenticated):
    """Wrong email, phone number or password."""

    code = "invalid_credentials"


class NotStaff(PermissionDenied):
    """Only a merchant's staff may do this."""

    code = "staff_only"


class NotCustomer(PermissionDenied):
    """Only a shopper may do this."""

    code = "customer_only"


class EmailTaken(Conflict):
    """Another account already uses this email."""

    code = "email_taken"


class PhoneTaken(Conflict):
    """Another account already uses this phone number."""

    code = "phone_taken"
