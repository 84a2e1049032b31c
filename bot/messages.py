"""Every sentence the bot says to a citizen, as a gettext message in English (the msgid).

Whole sentences only, never glued from fragments, so each language can order its words freely.
Placeholders are named, `{name}` style, and filled with `str.format` after translation; the
same names must survive in every catalog (`tests/test_locales.py` checks it).

`_` here only marks a string for `pybabel extract`; `grievance.i18n.say` translates at runtime.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


# -- first contact ----------------------------------------------------------------------------

PRIVACY_NOTICE = _(
    "Welcome to JalSamvad, the drinking-water complaint service. To act on your complaint we "
    "keep your phone number (encrypted), your village and your complaint, only for this "
    "purpose, and delete them one year after the complaint is closed. Reply STOP or DELETE at "
    "any time to withdraw. To complain about how we use your data, write to your District "
    "Water and Sanitation Mission."
)
CONSENT_QUESTION = _("Do you agree?")
CONSENT_DECLINED = _(
    "OK, we have kept nothing. Write to us again whenever you want to report a water problem."
)
DATA_DELETED = _("Your conversation data is deleted. Write again whenever you need us.")

# -- language ---------------------------------------------------------------------------------

LANGUAGE_MENU = _("Choose your language:")
LANGUAGE_SET = _("OK, I will write to you in this language.")

# -- filing a complaint -----------------------------------------------------------------------

MAIN_MENU = _("What is the problem? Choose a number, or write it in your own words.")
OPTION_MY_COMPLAINTS = _("My complaints")
OPTION_LANGUAGE = _("Change language")
ASK_VILLAGE = _("Which village? Send the 6-digit village code or the village name.")
VILLAGE_CHOICES = _("Several villages have this name. Which one is yours?")
VILLAGE_OPTION = _("{village} (Gram Panchayat {gp}, Block {block})")
OPTION_NONE_OF_THESE = _("None of these")
CONFIRM_VILLAGE = _("Is your village {village} (Gram Panchayat {gp}, Block {block})?")
UNKNOWN_VILLAGE_CODE = _(
    "There is no village with code {code}. Please check the 6-digit code and send it again, "
    "or send the village name."
)
VILLAGE_NOT_FOUND = _(
    "I could not find a village called {name}. Please send the 6-digit village code."
)
ASK_SINCE = _("Since when is there a problem? For example: 3 days. Reply SKIP if you don't know.")
ASK_MEDIA = _(
    "You can send a photo or a voice note of the problem. Reply SKIP to continue without one."
)
SUMMARY = _("{problem} in {village}. Shall I register this complaint?")
SUMMARY_SINCE = _("{problem} in {village}, for {since}. Shall I register this complaint?")
FILED_VWSC = _(
    "Your complaint {reference} is registered. Your village water committee (VWSC) will act "
    "on it by {deadline}."
)
FILED_ENGINEER = _(
    "Your complaint {reference} is registered. The water supply engineer will act on it by "
    "{deadline}."
)
FILED_DISTRICT = _(
    "Your complaint {reference} is registered. The district water mission will act on it by "
    "{deadline}."
)
JOINED = _(
    "Households that have reported this problem in {village} so far: {households}. Your "
    "complaint {reference} is added, and you will be told when it is fixed."
)
ALREADY_REPORTED = _(
    "You have already reported this problem: complaint {reference}. We will tell you when it "
    "is fixed."
)

# -- status -----------------------------------------------------------------------------------

STATUS = _("Complaint {reference}: {problem} in {village}, reported on {date}. Status: {status}.")
MY_COMPLAINTS = _("Your complaints:")
MY_COMPLAINT_LINE = _("{reference}: {problem}, {status}")
NO_COMPLAINTS = _("You have no complaints yet. Write your problem to register one.")
INVALID_REFERENCE = _(
    "{reference} is not a valid complaint number. Please check the 10 digits and send it again."
)
UNKNOWN_REFERENCE = _("No complaint has the number {reference}.")

# -- help, repair, edge cases -----------------------------------------------------------------

HELP = _(
    "Write your problem in your own words, for example: no water for 3 days. Send a 10-digit "
    "complaint number to see its status. Reply MENU to start again, or LANGUAGE to change "
    "the language."
)
CANCELLED = _("OK, I stopped. Send a message whenever you want to report a problem.")
EXPIRED = _("Your unfinished complaint was closed after a long pause. Let us start again.")
DID_YOU_MEAN = _("Did you mean: {problem}?")
NOT_UNDERSTOOD = _(
    "Sorry, I did not understand. Choose a number from the list, or write the problem in "
    "simple words."
)
CHOOSE_FROM_LIST = _("Please reply with one of the numbers shown.")
TOO_LONG = _("Your message was very long, so I read only its beginning.")
MEDIA_ONLY = _("I got your photo or voice note. Please also tell me the problem in words.")
EMPTY = _("Please write your problem in words, for example: no water.")
YOU_ARE_WELCOME = _("You are welcome. Write to us whenever you need.")
SOMETHING_WENT_WRONG = _("Sorry, something went wrong. Please try again in a few minutes.")

# -- after the fix (sent by issue 5's flows) --------------------------------------------------

CONFIRM_FIX = _("Is water back? Complaint {reference}.")
RATE = _("How well was your complaint handled? Reply from 1 (bad) to 5 (very good).")
FIX_CONFIRMED = _("Thank you. Complaint {reference} is closed.")
FIX_NOT_HELD = _(
    "Sorry that the water is not back. Complaint {reference} is open again, and the team is told."
)
THANKS_FOR_ANSWER = _("Thank you for telling us about complaint {reference}.")
THANKS_FOR_RATING = _("Thank you for your rating.")
UNSAFE_WATER = _(
    "A test found the water in {village} unsafe to drink. Until you are told it is safe, boil "
    "drinking water or use another safe source. Complaint {reference}."
)
NEW_INCIDENT_STAFF = _(
    "New complaint {number} in {village}: {problem}. Households reporting it: {households}. "
    "Please act on it by {deadline}."
)
ESCALATED_STAFF = _(
    "Complaint {number} in {village} ({problem}) was not fixed in time and is now with you. "
    "Please act on it by {deadline}."
)
ESCALATION_DIGEST = _("Complaints escalated to you because they were not fixed in time: {count}.")
ASSIGNED_STAFF = _(
    "Complaint {number} in {village} ({problem}) has been assigned to you. Households reporting "
    "it: {households}. Please act on it by {deadline}."
)
# Staff by chat (bot/flows/staff.py); the command words stay in Latin letters. Staff act on
# what lies in their area (their jurisdiction), as on the web and through the staff API.
STAFF_LIST_HEADER = _("Open complaints in your area, most urgent first:")
STAFF_LIST_LINE = _("{number}: {problem}, {village}, {status}, by {deadline}")
STAFF_LIST_EMPTY = _("There are no open complaints in your area.")
STAFF_NEEDS_NUMBER = _("Please add the complaint number, for example: ACK 42.")
# The same answer whether the complaint is outside the area or does not exist at all.
STAFF_NOT_FOUND = _("There is no complaint {number} in your area.")
STAFF_NEEDS_NOTE = _("Please say what was done, for example: RESOLVE {number} pipe repaired.")
STAFF_CANNOT = _("Complaint {number} is {status} and cannot be changed that way.")
STAFF_ACKNOWLEDGED = _(
    "Complaint {number} is marked as seen. When it is fixed, reply RESOLVE {number} and what "
    "was done."
)
STAFF_RESOLVED = _(
    "Complaint {number} is marked fixed. Each household will be asked whether water is back."
)
# Staff on Telegram, which gives a chat id, not a phone: they share their own number once.
STAFF_SHARE_PHONE = _(
    "To act on complaints here, share your phone number once with the button below. It is "
    "used only to find you in the staff directory."
)
SHARE_PHONE_BUTTON = _("Share my phone number")
SHARE_OWN_PHONE = _(
    "Please share your own phone number with the button, not another person's contact."
)
STAFF_NOT_REGISTERED = _(
    "This phone number is not in the staff directory. Ask your district water and sanitation "
    "mission to register it."
)
STAFF_LINKED = _(
    "You are recognised as staff in this chat, and new complaints for you will come here. "
    "Send LIST to see the open ones, or UNLINK to stop."
)
STAFF_UNLINKED = _(
    "This chat is no longer linked to your staff number. Notices go to your registered phone again."
)
STAFF_SEEN_BUTTON = _("Seen")
WATER_TEST_SAFE = _("Test recorded for {village}: the water is within the limits. Thank you.")
WATER_TEST_PERMISSIBLE = _(
    "Test recorded for {village}: {parameters} above the acceptable limit but within the "
    "permissible one. Thank you."
)
WATER_TEST_UNSAFE = _(
    "Test recorded for {village}: {parameters} beyond the safe limit. The Executive Engineer "
    "is told now, and households are told not to drink the water."
)
WATER_TEST_WHICH_VILLAGE = _(
    "For which village? Send its 6-digit code first, for example: TEST 601014 ph 7.2 "
    "turbidity 3 ecoli no."
)
WATER_TEST_REFUSED = _(
    "I could not record this test ({reason}). Please check the readings and send it again."
)
FTK_REQUEST = _(
    "Please test the water in {village} with the field test kit: households report dirty "
    "water or illness. Send the results when you are done."
)

# -- phone calls (IVR): keypad and speech, no writing -----------------------------------------

MAIN_MENU_CALL = _("What is the problem? Press its number, or say it in your own words.")
ASK_VILLAGE_CODE_CALL = _(
    "Which village? Enter its 6-digit village code on the keypad, then press the hash key."
)
VILLAGE_READ_BACK = _("You entered {digits}, the village {village}. Is this right?")
UNKNOWN_VILLAGE_CODE_CALL = _("There is no village with code {digits}.")
ASK_SINCE_CALL = _("Since when is there a problem? Say it, for example: 3 days.")
ASK_RECORDING = _("You can record a short description of the problem, or skip this.")
RECORD_NOW = _("Speak after the beep, and press the hash key when you finish.")
CALL_REPROMPT = _("Sorry, I did not hear anything.")
CHOOSE_FROM_LIST_CALL = _("Please press one of the numbers you heard.")
NOT_UNDERSTOOD_CALL = _(
    "Sorry, I did not understand. Press a number from the list, or say the problem in simple words."
)
CALL_GOODBYE = _("We did not hear from you. Please call again later. Thank you.")
CALL_LANGUAGE_UNAVAILABLE = _(
    "Sorry, we cannot speak your language on the phone yet. Please choose Hindi or English."
)

# -- option labels ----------------------------------------------------------------------------

YES = _("Yes")
NO = _("No")
SKIP = _("Skip")
RECORD = _("Record")
