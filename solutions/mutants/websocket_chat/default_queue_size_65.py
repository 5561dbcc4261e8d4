"""Defaults ChatHub's queue_size to 65 instead of the 64 the README gives."""

from _reference import *


class ChatHub(ChatHub):
    def __init__(self, queue_size=65):
        super().__init__(queue_size)
