//! One local authority's PEP rules as data: deadlines, review frequency, triggers and PP+ rules.
