//! Schedule windows: capacity N during given hours on chosen weekdays, in a chosen IANA
//! time zone, M outside them. The local time is the wall clock plus the zone's offset
//! *at that instant*, asked of the host every tick, so a daylight-saving change moves
//! the window with the clocks (a 09:00 window opens at 09:00 local on both sides of
//! the change; on the day clocks skip an hour, a window opening inside the skipped hour
//! opens at the first minute that exists after it).

use super::Builtin;
use crate::engine::policy::decision::Decision;
use crate::engine::policy::host::PolicyHost;
use crate::engine::policy::observation::Observation;
use crate::settings::Weekdays;

/// The schedule-windows policy.
pub struct Schedule<'h> {
    /// IANA zone.
    pub zone: String,
    /// The days the window opens on.
    pub days: Weekdays,
    /// Opens at this local minute of the day.
    pub from_min: u32,
    /// Closes at this local minute (at or before `from_min`: past midnight).
    pub to_min: u32,
    /// Capacity inside.
    pub inside: u32,
    /// Capacity outside.
    pub outside: u32,
    /// Where the zone's offset comes from.
    pub host: &'h dyn PolicyHost,
}

/// The local weekday (0 = Monday) and minute of the day at `utc_ms` with an offset of
/// `offset_min` minutes.
pub fn local_time(utc_ms: f64, offset_min: i32) -> (u32, u32) {
    let local_min = (utc_ms / 60_000.0).floor() as i64 + i64::from(offset_min);
    let day = local_min.div_euclid(1440);
    let minute = local_min.rem_euclid(1440) as u32;
    // 1970-01-01 was a Thursday (3, counting Monday as 0).
    let weekday = (day + 3).rem_euclid(7) as u32;
    (weekday, minute)
}

/// Whether local (`weekday`, `minute`) is inside the window.
pub fn in_window(days: Weekdays, from_min: u32, to_min: u32, weekday: u32, minute: u32) -> bool {
    if from_min < to_min {
        days.has(weekday) && (from_min..to_min).contains(&minute)
    } else {
        // Past midnight: the evening part belongs to the day it opened, the morning
        // part to the day before.
        (days.has(weekday) && minute >= from_min)
            || (days.has((weekday + 6) % 7) && minute < to_min)
    }
}

/// "09:00".
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl Builtin for Schedule<'_> {
    fn decide_now(&mut self, o: &Observation) -> Decision {
        let Some(offset) = self.host.utc_offset_minutes(&self.zone, o.now_ms) else {
            return Decision::hold(format!("holding: time zone {} is unknown here", self.zone));
        };
        let (weekday, minute) = local_time(o.now_ms, offset);
        let window = format!(
            "{} {}–{} {}",
            self.days.text(),
            hhmm(self.from_min),
            hhmm(self.to_min),
            self.zone
        );
        let now = format!("{} {}", Weekdays::NAMES[weekday as usize], hhmm(minute));
        if in_window(self.days, self.from_min, self.to_min, weekday, minute) {
            Decision::set(self.inside, format!("{now}: inside {window}"))
        } else {
            Decision::set(self.outside, format!("{now}: outside {window}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_and_minute() {
        // 2026-12-03T17:38:00Z is a Thursday.
        let t = 1_796_319_480_000.0;
        assert_eq!(local_time(t, 0), (3, 17 * 60 + 38));
        // In UTC+9 it is already Friday 02:38.
        assert_eq!(local_time(t, 540), (4, 2 * 60 + 38));
        // Before the epoch.
        assert_eq!(local_time(-60_000.0, 0), (2, 1439));
    }

    #[test]
    fn windows_past_midnight_belong_to_their_opening_day() {
        let fri = Weekdays(1 << 4);
        assert!(in_window(fri, 22 * 60, 6 * 60, 4, 23 * 60));
        assert!(in_window(fri, 22 * 60, 6 * 60, 5, 5 * 60));
        assert!(!in_window(fri, 22 * 60, 6 * 60, 5, 23 * 60));
        assert!(!in_window(fri, 22 * 60, 6 * 60, 4, 5 * 60));
    }
}
