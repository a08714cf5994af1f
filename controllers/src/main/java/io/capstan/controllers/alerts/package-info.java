/**
 * The AlertRoute controller: sends matching Events to webhooks, at least once each.
 *
 * <p><b>Matching.</b> An Event matches a route when its type is in {@code match.types} (empty:
 * Warning), its reason in {@code reasons}, its namespace in {@code namespaces} and its involved
 * object's kind in {@code kinds} (each empty list: any).
 *
 * <p><b>Order and cursor.</b> Each route has one worker thread that sends its alerts one at a time
 * in {@link io.capstan.controllers.alerts.AlertOrder}: by the Event's lastTimestamp, then uid, then
 * count. An Event seen at count N is the alert {@code <uid>/<N>}; a repeat raises the count and the
 * lastTimestamp, so it sorts after the alert already sent. The worker keeps a cursor: the order of
 * the last alert delivered or skipped; only Events after the cursor are considered. A new route
 * starts from its creation time (truncated to whole seconds): older Events are not sent.
 *
 * <p><b>Delivery.</b> Before the first attempt the alert is written to {@code status.in_flight};
 * a 2xx answer moves it to {@code last_delivered} (and bumps {@code delivered_count}, clears
 * {@code last_error}); any other answer or failure records {@code last_error} and bumps {@code
 * failed_attempts}, and the attempt is repeated after a back-off (1 s doubling to 60 s by default)
 * for as long as the Event exists. A slow webhook holds up only its own route's worker.
 *
 * <p><b>Restart rule.</b> On start (a new leader term) a worker reads its route's status from the
 * API: the cursor is {@code last_delivered}'s (time, uid, count); an {@code in_flight} alert is sent
 * again first, with the same key, and is then the cursor. Everything at or before the cursor was
 * delivered (or grouped away) and is never sent again; so a restart re-sends at most the one alert
 * that was in flight. An Event that arrives late with a lastTimestamp before the cursor is not sent.
 *
 * <p><b>Grouping.</b> After an alert about (object, reason, message), repeats whose lastTimestamp
 * is within {@code group_window_seconds} of that alert's are skipped (they move the cursor); the
 * first repeat after the window is sent with its count. A repeat is the same Event with a higher
 * count or a new Event saying the same thing; another message for the same object and reason
 * (readiness failing at start, liveness failing later) is sent on its own. The window state lives
 * in memory and is rebuilt on restart from {@code last_delivered} only (while its Event exists).
 */
package io.capstan.controllers.alerts;
