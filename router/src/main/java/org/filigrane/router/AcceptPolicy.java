package org.filigrane.router;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import java.util.LinkedList;
import java.util.List;

/**
 * Which presentation contexts the router accepts: Verification and every Storage SOP class, each in the first
 * transfer syntax the sender proposes (its preference, normally the one its file is in), lossy ones included: an
 * instance in a transfer syntax the adapter refuses is then answered with a failure status and quarantined with
 * the reason, which tells the sender's administrator more than a rejected presentation context would. (Taking an
 * uncompressed syntax offered alongside would make a sender that cannot decompress its file fail on its side,
 * with nothing in the router's quarantine.)
 */
final class AcceptPolicy implements PresentationContextSelectionPolicy {
    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int association,
            int debugLevel) {
        return applyPresentationContextSelectionPolicy(presentationContexts, association);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int association) {
        for (Object o : presentationContexts) {
            PresentationContext pc = (PresentationContext) o;
            String abstractSyntax = pc.getAbstractSyntaxUID();
            if (!SOPClass.isVerification(abstractSyntax) && !SOPClass.isStorage(abstractSyntax)) {
                pc.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
                continue;
            }
            String chosen = choose((List<String>) pc.getTransferSyntaxUIDs());
            pc.newTransferSyntaxUIDs();
            if (chosen == null) {
                pc.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
            } else {
                pc.addTransferSyntaxUID(chosen);
                pc.setResultReason(ACCEPTANCE);
            }
        }
        return presentationContexts;
    }

    static String choose(List<String> proposed) {
        if (proposed == null || proposed.isEmpty()) {
            return null;
        }
        return proposed.get(0);
    }
}
