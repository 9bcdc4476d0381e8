"""The GitHub-side fixtures (fake GitHub, settings, AppContext) for the bar tests."""

from tests.bot.conftest import (  # noqa: F401  (fixtures, registered by import)
    _github_accepted_every_request,
    app_keys,
    clock,
    ctx,
    demo_repo,
    hub,
    settings,
    sleeps,
)
