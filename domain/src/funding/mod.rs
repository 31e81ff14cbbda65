//! The Pupil Premium Plus budget aggregate (one LA, one financial year).
