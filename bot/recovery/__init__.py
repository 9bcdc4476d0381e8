"""Recovery: put right what a crash, a deploy or an outage made the App miss.

GitHub never redelivers a webhook on its own, and a review lost after its check run was created
leaves a required check hanging. :func:`recover` looks for both, within bounds:

Failed deliveries
    ``GET /app/hook/deliveries`` (the App's JWT), newest first, page by page (``cursor``), back to
    ``now - window`` (GitHub keeps about 3 days) or ``max_pages`` pages. Attempts are grouped by
    GUID (a redelivery reuses it, and it is the ``X-GitHub-Delivery`` our queue deduplicates on).
    A GUID is redelivered, once per run, oldest first, when:

    * no attempt of it succeeded (our receiver answered 2xx only after the delivery was durable);
    * its latest failure may pass (no answer, 408, 429 or 5xx; a 4xx such as 400, 401 or 413 is our
      receiver refusing that payload, and would be refused again);
    * its event and action are ones the App handles (``bot.intake.routes.router``);
    * GitHub shows fewer than :data:`MAX_REDELIVERIES_PER_GUID` redeliveries of it already;
    * our queue has not accepted it (``SeenQueue.seen``), and fewer than ``max_redeliveries``
      were asked for in this run.

Stuck check runs
    Every check run a review creates is noted in the store next to the queue (``store/``) and
    forgotten when the review completes it. Entries older than
    ``stuck_after`` are read back from GitHub (one ``GET`` each, at most ``max_checks``): one still
    ``queued``/``in_progress`` gets a re-run, a synthetic delivery (event ``devdocs.rerun``, id
    ``rerun:<repo>:<sha>:<check_run_id>``, coalesced with the PR's other deliveries) that
    ``bot/intake/routes.py`` routes to :func:`bot.review.rerun.rerun_for_sha`, which reviews the PR
    again in that same check run. One completed or deleted meanwhile is forgotten and left alone.

Bounds
    Every GitHub request of a run, retries included, is charged to one
    :class:`~bot.github.budget.RequestBudget` of ``max_calls``; when it runs out the run stops
    where it is and says so. (githubkit's installation-token exchange, at most one per installation per hour
    and shared with the reviews, happens inside its auth flow and is not charged.) The runner
    also bounds each run in time, and a lock in the store lets one worker at a time run it.

Logs: one structured line per action (``recovery`` = the action, with the GUID, delivery id,
repository, SHA or check run bound as fields) and one summary line per run. Nothing here logs
a payload, a header or a token.

Modules: ``run`` (:func:`~bot.recovery.run.recover`, the runner and its lock), ``deliveries``
(failed deliveries), ``stuck_checks`` (check runs left open), ``report`` (what a run did, and its
log lines), ``store/`` (open check runs and the lock, one backend per module, next to the queue).
"""
