//! SSDA903 code lists (the statutory looked-after children return), versioned by collection year.
