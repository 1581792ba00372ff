from o2o.errors import Conflict, NotAuthenticated, PermissionDenied


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class NotStaff(PermissionDenied):
    code = "staff_only"


class EmailTaken(Conflict):
    code = "email_taken"


class PhoneTaken(Conflict):
    code = "phone_taken"
