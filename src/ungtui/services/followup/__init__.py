"""The follow-up report (Uppföljning): indicators by gender and subgroup, the SQL they are built
from, and the report as it leaves the screen."""
