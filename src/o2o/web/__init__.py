"""The shopper app, the POS and the back office: server-rendered pages over the services."""

from fastapi import FastAPI

from o2o.config import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    pass
