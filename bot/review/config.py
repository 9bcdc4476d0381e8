"""The repository's configuration: read from the pull request's BASE commit, so a PR cannot weaken
its own gate (and a fork never supplies one), else from the org's ``.github`` repository, else the
defaults. Cached by base SHA (the org's file for a few minutes: it is not pinned to a SHA)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.github.errors import GitHubRequestError
from bot.github.port import GitHubPort
from bot.github.values import PullRequestRef, RepoRef
from bot.review.configfile import CONFIG_PATH
from bot.review.configfile import parse_config_bytes as parse_config
from bot.review.context import AppContext
from rules.core.config import ConfigError, ReviewConfig

log = logging.getLogger(__name__)

ORG_CONFIG_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ConfigOutcome:
    config: ReviewConfig | None
    source: str
    errors: tuple[str, ...] = ()


async def load_repo_config(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef) -> ConfigOutcome:
    """``.github/devdocs-review.yml`` at the base SHA, else the org's ``.github`` repo, else defaults."""
    key = (pr.repo.full_name, pr.base_sha)
    cached: ConfigOutcome | None = ctx.cache.configs.get(key)
    if cached is not None:
        return cached
    ttl: timedelta | None = None
    source = f"{pr.repo.full_name}@{pr.base_sha[:7]}:{CONFIG_PATH}"
    data = await gh.get_file(pr.repo, CONFIG_PATH, ref=pr.base_sha)
    if data is None and pr.repo.name != ".github":
        org = RepoRef(pr.repo.owner, ".github", pr.repo.installation_id)
        source = f"{org.full_name}:{CONFIG_PATH}"
        data = await _org_config(gh, org)
        ttl = ORG_CONFIG_TTL  # not pinned to a SHA: re-read now and then
    outcome = ConfigOutcome(ReviewConfig(), "defaults") if data is None else parse_config_bytes(data, source)
    ctx.cache.configs.put(key, outcome, ttl=ttl)
    return outcome


async def _org_config(gh: GitHubPort, org: RepoRef) -> bytes | None:
    try:
        return await gh.get_file(org, CONFIG_PATH)
    except GitHubRequestError as error:  # e.g. 403: the installation cannot see the org's .github repo
        log.info("org config not readable (%s)", error.status)
        return None


def parse_config_bytes(data: bytes, source: str) -> ConfigOutcome:
    """The config file's bytes → a config, or the errors (size, encoding, YAML, values) to publish."""
    try:
        return ConfigOutcome(parse_config(data, source), source)
    except ConfigError as error:
        return ConfigOutcome(None, source, tuple(error.errors))
