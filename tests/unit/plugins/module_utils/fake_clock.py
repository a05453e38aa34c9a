"""A clock for code that polls with ``sleep`` and ``clock`` arguments: sleeping advances it, instantly."""


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
