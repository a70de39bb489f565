"""Plan and track: fiscal and festival calendars, a year's target broken down to days, forecasts,
achievement rate and pace."""
