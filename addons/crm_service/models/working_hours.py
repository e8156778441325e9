"""Working-hours arithmetic for many instants at once (SLA deadlines).

`resource.calendar.plan_hours()` walks a calendar day by day through the
ORM for one start instant: fine for one ticket, minutes for 100,000. Here a
calendar is expanded once into a sorted list of working intervals in UTC
(its weekly attendances in its time zone, minus its global leaves), with a
cumulative index of worked seconds; then for every ticket at once
(numpy.searchsorted):

- ``worked(t)``: working seconds from the start of the expansion to t;
- ``add(t, hours)``: the instant when ``hours`` working hours after t are
  used up (the first instant with worked() = worked(t) + hours);
- ``hours_between(a, b)``: working hours between a and b.

Instants are UTC epoch seconds (float64 numpy arrays); NaN means "none".
The expansion grows by itself when a result falls beyond it.
"""
import datetime
import math

import logging

import pytz

_logger = logging.getLogger(__name__)
try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is in requirements.txt
    _logger.error('crm_service needs numpy for SLA deadlines: pip install numpy')

EPOCH = datetime.datetime(1970, 1, 1)
WEEK = 7 * 86400.0
# give up (NaN deadline) when a target cannot be reached within this span,
# e.g. a calendar whose every working day is covered by leaves
MAX_SPAN = 10 * 366 * 86400.0


def to_epoch(values):
    """naive UTC datetimes (or None) -> float64 epoch seconds (NaN for None)"""
    return np.array([(v - EPOCH).total_seconds() if v else np.nan for v in values], dtype=np.float64)


def from_epoch(value):
    """one epoch second value -> naive UTC datetime (None for NaN)"""
    if value is None or math.isnan(value):
        return None
    return EPOCH + datetime.timedelta(seconds=int(round(value)))


def _merge(intervals):
    """sorted, disjoint, non-empty intervals"""
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _subtract(intervals, holes):
    """intervals minus holes (both sorted and disjoint)"""
    result, j = [], 0
    for start, end in intervals:
        while j < len(holes) and holes[j][1] <= start:
            j += 1
        k, cur = j, start
        while k < len(holes) and holes[k][0] < end:
            if holes[k][0] > cur:
                result.append([cur, holes[k][0]])
            cur = max(cur, holes[k][1])
            k += 1
        if cur < end:
            result.append([cur, end])
    return result


class WorkingTime(object):
    """The working time of one calendar in one time zone.

    :param attendances: [(weekday 0=Monday, hour_from, hour_to, date_from, date_to)],
        hours as floats in the calendar's local time, dates (or None) bounding
        when an attendance applies, as on resource.calendar.attendance.
        None (or an empty list) means round the clock (no calendar).
    :param leaves: [(date_from, date_to)] naive UTC datetimes (global leaves,
        public holidays): no working time inside them.
    :param tz_name: the time zone the attendances are written in.
    """

    def __init__(self, attendances, leaves=(), tz_name='UTC'):
        self.attendances = list(attendances or [])
        self.tz = pytz.timezone(tz_name or 'UTC')
        self.leaves = _merge([[(a - EPOCH).total_seconds(), (b - EPOCH).total_seconds()]
                              for a, b in leaves if a and b])
        self.lo = self.hi = None
        self.starts = self.ends = self.cum_before = self.cum_after = None

    # expansion ---------------------------------------------------------
    def _local_intervals(self, day):
        for weekday, hour_from, hour_to, date_from, date_to in self.attendances:
            if weekday != day.weekday() or (date_from and date_from > day) or (date_to and date_to < day):
                continue
            midnight = datetime.datetime.combine(day, datetime.time())
            start = midnight + datetime.timedelta(hours=hour_from)
            end = midnight + datetime.timedelta(hours=min(hour_to, 24.0))
            yield start, end

    def _expand(self, lo, hi):
        """Working intervals covering [lo, hi] (epoch seconds)."""
        if not self.attendances:
            intervals = [[lo, hi]]
        else:
            intervals = []
            first = (EPOCH + datetime.timedelta(seconds=lo)).date() - datetime.timedelta(days=1)
            last = (EPOCH + datetime.timedelta(seconds=hi)).date() + datetime.timedelta(days=1)
            day = first
            while day <= last:
                for start, end in self._local_intervals(day):
                    # is_dst=False as resource.calendar does
                    utc_start = self.tz.localize(start, is_dst=False).astimezone(pytz.UTC)
                    utc_end = self.tz.localize(end, is_dst=False).astimezone(pytz.UTC)
                    utc_start, utc_end = utc_start.replace(tzinfo=None), utc_end.replace(tzinfo=None)
                    intervals.append([(utc_start - EPOCH).total_seconds(), (utc_end - EPOCH).total_seconds()])
                day += datetime.timedelta(days=1)
        intervals = _subtract(_merge(intervals), self.leaves)
        self.lo, self.hi = lo, hi
        if intervals:
            arr = np.array(intervals, dtype=np.float64)
        else:
            arr = np.zeros((0, 2), dtype=np.float64)
        self.starts, self.ends = arr[:, 0], arr[:, 1]
        lengths = self.ends - self.starts
        self.cum_after = np.cumsum(lengths)
        self.cum_before = self.cum_after - lengths

    def weekly_hours(self):
        if not self.attendances:
            return 168.0
        return sum(max(0.0, min(h_to, 24.0) - h_from) for _w, h_from, h_to, _f, _t in self.attendances)

    def _ensure(self, lo, hi):
        if self.lo is None or lo < self.lo or hi > self.hi:
            lo = min(lo, self.lo) if self.lo is not None else lo
            hi = max(hi, self.hi) if self.hi is not None else hi
            self._expand(lo, hi)

    # arithmetic ---------------------------------------------------------
    def _worked(self, t):
        """worked seconds before t (t inside the expansion)"""
        if not len(self.starts):
            return np.zeros_like(t)
        k = np.searchsorted(self.starts, t, side='right') - 1
        kc = np.clip(k, 0, None)
        inside = np.minimum(t - self.starts[kc], self.ends[kc] - self.starts[kc])
        return np.where(k < 0, 0.0, self.cum_before[kc] + np.maximum(inside, 0.0))

    def add(self, t, hours):
        """t + `hours` working hours, element-wise (NaN in t or hours: NaN)."""
        t = np.asarray(t, dtype=np.float64)
        hours = np.broadcast_to(np.asarray(hours, dtype=np.float64), t.shape)
        result = np.full(t.shape, np.nan)
        valid = ~np.isnan(t) & ~np.isnan(hours)
        if not valid.any():
            return result
        tv, hv = t[valid], np.maximum(hours[valid], 0.0)
        lo = tv.min() - 86400.0
        weeks = hv.max() / max(self.weekly_hours(), 1e-9) + 2
        hi = tv.max() + weeks * WEEK
        out = np.full(tv.shape, np.nan)
        todo = np.ones(tv.shape, dtype=bool)
        while True:
            self._ensure(lo, hi)
            target = self._worked(tv[todo]) + hv[todo] * 3600.0
            j = np.searchsorted(self.cum_after, target, side='left')
            found = j < len(self.cum_after)
            jc = np.clip(j, 0, max(len(self.cum_after) - 1, 0))
            if len(self.cum_after):
                res = np.where(found, self.starts[jc] + (target - self.cum_before[jc]), np.nan)
            else:
                res = np.full(target.shape, np.nan)
            # zero hours: the start itself
            res = np.where(hv[todo] == 0, tv[todo], res)
            found |= hv[todo] == 0
            idx = np.flatnonzero(todo)
            out[idx[found]] = res[found]
            todo[idx[found]] = False
            if not todo.any() or hi - lo > MAX_SPAN:
                break
            hi = lo + 2 * (hi - lo)
        result[valid] = out
        return result

    def hours_between(self, a, b):
        """working hours from a to b, element-wise (0 when b <= a; NaN if either is NaN)"""
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        result = np.full(np.broadcast(a, b).shape, np.nan)
        a, b = np.broadcast_to(a, result.shape), np.broadcast_to(b, result.shape)
        valid = ~np.isnan(a) & ~np.isnan(b)
        if not valid.any():
            return result
        av, bv = a[valid], b[valid]
        self._ensure(min(av.min(), bv.min()) - 86400.0, max(av.max(), bv.max()) + 86400.0)
        result[valid] = np.maximum(self._worked(bv) - self._worked(av), 0.0) / 3600.0
        return result
