"""What every view reads from the app: the store and the settings it was created with."""

from __future__ import annotations

from flask import Flask, current_app

from kg.config import Config
from kg.store import Store


def get_store(app: Flask | None = None) -> Store:
    return (app or current_app).extensions["kg.store"]


def get_config(app: Flask | None = None) -> Config:
    return (app or current_app).extensions["kg.config"]
