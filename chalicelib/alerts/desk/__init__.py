"""The case desk: what a manager opens on a phone. Case pages (`case_desk`), incident pages
(`incident_desk`, `incident_page`), the team board (`board`), replies from the page
(`replies`, `reply_box`, `reply_text`, `saved_replies`), and HTML (`views`, `web`,
`notices`; templates in `alerts/templates/`). The top room: it may use every other."""
