from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mend.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mend.accounts.middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="mend-stamp-sign-in")
