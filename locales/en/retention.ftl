# retention: messages of this feature area (en)

retention-title = Keeping and destruction
retention-kept-until = Kept until { $date }, then destroyed: the text, contact details, files and conversation are erased for good; the journal keeps the number, dates and category.
retention-open-hint = A case is destroyed a set time after it is closed.
retention-held = On legal hold: this case is not destroyed until the hold is lifted.
retention-lift = Lift the hold
retention-hold-hint = A legal hold stops the destruction of this case (for example while a court or the police need it). Say why; it is recorded.
retention-reason = Reason for the hold
retention-hold = Place a legal hold
retention-destroy-hint = Its keeping time is over. Destruction cannot be undone.
retention-destroy = Destroy now
retention-err-reason-required = Say why the case is held.
retention-err-reason-long = The reason is too long: at most 2000 characters.
retention-err-held = This case is on legal hold and was not destroyed: lift the hold first.
retention-err-not-closed = Only a closed case can be destroyed.
retention-err-not-due = This case is kept until { $date }; it cannot be destroyed before.
retention-destroyed-page = This case was destroyed after its keeping time: its contents no longer exist. The journal keeps its number, dates and category.
retention-destroyed-on = Destroyed on { $date }
