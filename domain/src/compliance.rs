//! A child's PEP due dates and their status on a given day, computed from facts and policy.
