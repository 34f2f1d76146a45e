"""``--demo``'s language and theme outlive its throw-away config: kept beside the real config,
read back by the next demo (and by the CLI, ``settings.demo_language``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from telephony_desktop.demo import demo_environment
from telephony_desktop.store import paths, settings


def _choose_in_demo(**choice: str) -> None:
    """What Settings does: load the demo's config, change it, save it."""
    path = paths.config_path()
    settings.save_config(path, dataclasses.replace(settings.load_config(path), **choice))


def test_the_next_demo_starts_with_the_language_and_theme_chosen_in_the_last(
    isolated_dirs: Path,
) -> None:
    real_config = paths.config_path()
    preferences = paths.demo_preferences_path()
    assert preferences == real_config.parent / "demo-preferences.toml"
    with demo_environment(live_interval_s=0):
        demo_config = paths.config_path()
        assert demo_config != real_config
        first = settings.load_config(demo_config)
        assert (first.language, first.theme) == ("system", "system")
        assert not preferences.exists()  # nothing chosen yet: nothing written
        _choose_in_demo(language="fr", theme="dark")
        assert settings.load_demo_preferences(preferences) == {"language": "fr", "theme": "dark"}
    assert not demo_config.exists()  # the demo's config is thrown away
    assert not real_config.exists()  # and the user's is never written
    assert settings.demo_language() == "fr"  # what the CLI asks before a --demo command

    with demo_environment(live_interval_s=0):
        config = settings.load_config(paths.config_path())
        assert (config.language, config.theme) == ("fr", "dark")
        assert config.find("demo") is not None  # the demo's accounts as ever
        _choose_in_demo(language="system")
    assert settings.load_demo_preferences() == {"language": "system", "theme": "dark"}
    assert settings.demo_language() == "system"


def test_saving_other_settings_in_the_demo_writes_nothing_outside_it(isolated_dirs: Path) -> None:
    with demo_environment(live_interval_s=0):
        _choose_in_demo(sync_interval_min=60)  # not a demo preference: not kept
        _choose_in_demo(language="system", theme="system")  # the defaults: nothing to keep
    assert not paths.demo_preferences_path().exists()
    assert not paths.config_path().parent.exists()


def test_a_config_saved_outside_a_demo_is_not_taken_for_it(isolated_dirs: Path) -> None:
    with demo_environment(live_interval_s=0):
        other = isolated_dirs / "elsewhere" / "config.toml"
        settings.save_config(other, settings.Config(language="fr", theme="dark"))
    settings.save_config(paths.config_path(), settings.Config(language="fr", theme="light"))
    assert not paths.demo_preferences_path().exists()
    assert settings.demo_language() is None


def test_a_damaged_preferences_file_is_ignored(isolated_dirs: Path) -> None:
    preferences = paths.demo_preferences_path()
    preferences.parent.mkdir(parents=True)
    preferences.write_text('language = "klingon"\ntheme = "dark"\n')
    assert settings.load_demo_preferences() == {"theme": "dark"}
    assert settings.demo_language() is None
    preferences.write_text("language = [\n")
    assert settings.load_demo_preferences() == {}
    with demo_environment(live_interval_s=0):
        config = settings.load_config(paths.config_path())
        assert (config.language, config.theme) == ("system", "system")
        _choose_in_demo(language="en")
    assert settings.load_demo_preferences() == {"language": "en", "theme": "system"}


def test_a_preferences_file_that_cannot_be_written_does_not_stop_the_demo(
    isolated_dirs: Path,
) -> None:
    blocker = paths.config_path().parent  # a file where the folder should be
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    with demo_environment(live_interval_s=0):
        _choose_in_demo(language="fr")  # the demo's own config is saved all the same
        assert settings.load_config(paths.config_path()).language == "fr"
    assert settings.demo_language() is None
