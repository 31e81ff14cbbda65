//! The statutory calendar: bank holidays, working days, school days and terms, year group and key stage.
