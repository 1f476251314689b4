"""A nameko timer whose interval comes from the service's configuration."""

from nameko.timer import Timer

from shared.config import setting


class ConfiguredTimer(Timer):
    def __init__(self, interval_setting: str, **kwargs):
        super().__init__(interval=None, **kwargs)
        self.interval_setting = interval_setting

    def setup(self):
        self.interval = float(setting(self.interval_setting, self.container.config))


configured_timer = ConfiguredTimer.decorator
