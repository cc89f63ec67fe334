//! The civil date and time (proleptic Gregorian, UTC) of a moment, for [`super::Translator::date_time`].

/// A moment as a calendar and a clock on the wall read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: u64,
    /// 1 to 12.
    pub month: u64,
    /// 1 to 31.
    pub day: u64,
    pub hour: u64,
    pub minute: u64,
}

impl CivilTime {
    /// From seconds since the Unix epoch, by Howard Hinnant's days-to-civil algorithm: days are
    /// counted in 400-year eras from 1 March 0000, which puts each leap day at the end of its year.
    pub fn from_unix(secs: u64) -> CivilTime {
        let days = secs / 86_400;
        let in_day = secs % 86_400;
        // 719,468 days lie between 0000-03-01 and 1970-01-01.
        let shifted = days + 719_468;
        let era = shifted / 146_097;
        let day_of_era = shifted % 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        // Months counted from March: 0 is March, 11 is February.
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + u64::from(month <= 2);
        CivilTime {
            year,
            month,
            day,
            hour: in_day / 3600,
            minute: in_day % 3600 / 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CivilTime;

    fn civil(secs: u64) -> (u64, u64, u64, u64, u64) {
        let t = CivilTime::from_unix(secs);
        (t.year, t.month, t.day, t.hour, t.minute)
    }

    #[test]
    fn known_moments() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0));
        assert_eq!(civil(951_782_400), (2000, 2, 29, 0, 0));
        assert_eq!(civil(951_868_799), (2000, 2, 29, 23, 59));
        assert_eq!(civil(1_773_324_300), (2026, 3, 12, 14, 5));
        assert_eq!(civil(1_798_761_599), (2026, 12, 31, 23, 59));
    }
}
